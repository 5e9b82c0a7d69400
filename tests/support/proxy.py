"""A TCP proxy in front of Redis that can lose one reply: the command reaches Redis and runs,
and the connection is cut before its answer gets back (a reply lost on the network). The
client then retries on a fresh connection, which the proxy lets through."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator


class LossyProxy:
    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.lost = threading.Event()
        """Set once a reply was lost."""
        self._marker: bytes | None = None
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._closing = False
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def lose_the_reply_to(self, marker: bytes) -> None:
        """Cut the connection of the next command holding ``marker`` once Redis answers it."""
        with self._lock:
            self._marker = marker
            self.lost.clear()

    def close(self) -> None:
        self._closing = True
        self.listener.close()
        with self._lock:
            for sock in list(self._sockets):
                with contextlib.suppress(OSError):
                    sock.close()

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets |= {client, upstream}
            cut = threading.Event()
            threading.Thread(
                target=self._requests, args=(client, upstream, cut), daemon=True
            ).start()
            threading.Thread(
                target=self._replies, args=(upstream, client, cut), daemon=True
            ).start()

    def _requests(
        self, client: socket.socket, upstream: socket.socket, cut: threading.Event
    ) -> None:
        tail = b""
        for chunk in self._chunks(client):
            with self._lock:
                marker = self._marker
                if marker is not None and marker in tail + chunk:
                    self._marker = None
                    cut.set()
                tail = (tail + chunk)[-len(marker) :] if marker else b""
            try:
                upstream.sendall(chunk)
            except OSError:
                break
        self._close(client, upstream)

    def _replies(
        self, upstream: socket.socket, client: socket.socket, cut: threading.Event
    ) -> None:
        for chunk in self._chunks(upstream):
            if cut.is_set():
                self.lost.set()
                break
            try:
                client.sendall(chunk)
            except OSError:
                break
        self._close(client, upstream)

    @staticmethod
    def _chunks(sock: socket.socket) -> Iterator[bytes]:
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            yield chunk

    def _close(self, *sockets: socket.socket) -> None:
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
            with self._lock:
                self._sockets.discard(sock)
