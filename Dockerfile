# One image for the three services, the portal and the demo loader; the command chooses
# what runs:
#   python -m services.registration | services.approval | services.reporting
#   | services.portal | services.notifications | deploy.demo
# Debian's Python 3.11 on debian:bookworm-slim, so that it also builds where no registry
# answers once that base is built locally (deploy/debian-base.sh). Every dependency is
# installed from requirements/runtime.txt (pinned, with hashes: `make lock`). From the
# repository root:  docker build -t breakthrough .
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY requirements/runtime.txt /tmp/runtime.txt
# Hashes checked, wheels only (every dependency ships one): no compiler in the image. The
# venv's own pip and setuptools go once the dependencies are in.
RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/pip install --require-hashes --only-binary=:all: --no-deps -r /tmp/runtime.txt \
 && /opt/venv/bin/pip uninstall --yes pip setuptools
# The code itself, importable from any directory (no build step, no package metadata).
COPY shared /opt/app/shared
COPY services /opt/app/services
COPY deploy/__init__.py /opt/app/deploy/__init__.py
COPY deploy/demo /opt/app/deploy/demo
RUN echo /opt/app > /opt/venv/lib/python3.11/site-packages/breakthrough.pth \
 && /opt/venv/bin/python -m compileall -q /opt/app

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/app /opt/app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    LOG_FORMAT=json
WORKDIR /app
USER app:app
EXPOSE 8000 8001 8002 8003 8004
# PORT must be set (compose sets it per service); answers 0 only when /readyz is 200.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ['PORT'], timeout=4)"]
CMD ["python", "-m", "services.registration"]
