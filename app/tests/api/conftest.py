"""Fixtures of the API tests. pytest loads this before tests/conftest.py has set up
Django, so what needs the models is imported inside the fixtures."""

import json

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # PBKDF2's deliberate slowness buys the tests nothing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def signing_keys(db) -> None:
    from unibos.identity import keys  # noqa: PLC0415

    keys.ensure()


@pytest.fixture
def acme(signing_keys):
    from tests.api.tenants import tenant  # noqa: PLC0415

    return tenant("acme")


@pytest.fixture
def globex(signing_keys):
    from tests.api.tenants import tenant  # noqa: PLC0415

    return tenant("globex")


class Api:
    """The test client speaking JSON, with a bearer token when given one."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def __call__(self, method: str, path: str, token: str | None = None, body: object = None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = None if body is None else json.dumps(body)
        return self.client.generic(
            method, path, data or "", content_type="application/json", headers=headers
        )


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)
