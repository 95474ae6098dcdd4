"""Flower (the optional `flower` role) watches the hub's Celery app behind a password."""

import base64
import json

import pytest
from conftest import wait_for
from unibos_controller.testbed.hosts import request

FLOWER = "http://127.0.0.1:5555"


pytestmark = pytest.mark.on("flower")


def credentials(stack) -> str:
    line = stack.host.file("/etc/unibos/secrets/flower.env").content_string.strip()
    return line.removeprefix("FLOWER_BASIC_AUTH=")


def test_flower_refuses_a_request_without_the_password(stack):
    status, _ = wait_for(
        lambda: request(stack.host, f"{FLOWER}/api/workers"),
        60,
        "Flower answering",
        errors_are_not_yet=True,
    )

    assert status == 401


def test_flower_lists_the_workers_to_whoever_has_the_password(stack):
    token = base64.b64encode(credentials(stack).encode()).decode()
    headers = {"Authorization": f"Basic {token}"}

    def workers() -> dict | None:
        status, body = request(stack.host, f"{FLOWER}/api/workers?refresh=1", headers=headers)
        return json.loads(body) if status == 200 and body.strip() not in ("", "{}") else None

    found = wait_for(workers, 60, "Flower's answer naming the workers")
    assert {name.partition("@")[0] for name in found} >= {"core", "ocr", "media"}


def test_the_password_is_readable_by_root_only(stack):
    secret = stack.host.file("/etc/unibos/secrets/flower.env")

    assert (secret.user, secret.group, secret.mode) == ("root", "root", 0o600)
