"""The body hash behind Idempotency-Key: made only when there is a key to compare with."""

from __future__ import annotations

import json

from services.registration.domain import RegisterTask
from shared.idempotency import body_hash
from tests.support.factories import registration_body


def test_the_order_and_spacing_of_the_json_do_not_change_the_hash() -> None:
    body = registration_body("pham-quang-hung", 2024)
    reordered = json.loads(json.dumps(dict(reversed(list(body.items())))))
    first = body_hash(RegisterTask.model_validate(body), "caller/key-1")
    assert first == body_hash(RegisterTask.model_validate(reordered), "caller/key-1")
    changed = RegisterTask.model_validate({**body, "title": "Another title"})
    assert body_hash(changed, "caller/key-1") != first


def test_without_a_key_nothing_is_hashed() -> None:
    assert body_hash(RegisterTask.model_validate(registration_body("a", 2024)), None) == ""
