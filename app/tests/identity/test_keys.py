"""Signing keys: one active signs, the next is published first, the old stays until its
last token expires."""

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from unibos.identity import keys, tokens
from unibos.identity.models import SigningKey

pytestmark = pytest.mark.django_db

ISSUER = "unibos-hub-test"


def states() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key in SigningKey.objects.all():
        found.setdefault(key.state, []).append(key.kid)
    return found


def issue() -> str:
    kid, private_key = keys.signing_key()
    return tokens.issue(
        private_key, kid, issuer=ISSUER, subject="user:1", organization=1, role="owner",
        ttl_seconds=900,
    )  # fmt: skip


def verify(token: str) -> tokens.Claims:
    return tokens.verify(token, keys.verification_keys(), issuer=ISSUER)


def test_ensure_creates_an_active_and_a_next_key_once():
    assert keys.ensure() is True
    created = states()
    assert keys.ensure() is False

    assert states() == created
    assert sorted(created) == ["active", "next"]
    assert len(created["active"]) == len(created["next"]) == 1


def test_the_jwks_publishes_the_next_key_before_it_signs():
    keys.ensure()

    published = {jwk["kid"] for jwk in keys.jwks()["keys"]}

    assert published == {key.kid for key in SigningKey.objects.all()}
    assert keys.signing_key()[0] == states()["active"][0]


def test_the_private_key_is_stored_encrypted_with_the_passphrase(settings):
    keys.ensure()
    stored = SigningKey.objects.get(state="active").private_pem

    assert stored.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(TypeError, match="encrypted"):
        serialization.load_pem_private_key(stored.encode(), None)
    serialization.load_pem_private_key(
        stored.encode(), settings.UNIBOS_SIGNING_KEY_PASSPHRASE.encode()
    )


def test_a_wrong_passphrase_is_named_not_a_crash(settings):
    keys.ensure()
    settings.UNIBOS_SIGNING_KEY_PASSPHRASE = "another passphrase"

    with pytest.raises(keys.NoSigningKey, match="UNIBOS_SIGNING_KEY_PASSPHRASE differs"):
        keys.signing_key()


def test_no_passphrase_is_a_settings_error_naming_it(settings):
    settings.UNIBOS_SIGNING_KEY_PASSPHRASE = ""

    with pytest.raises(ImproperlyConfigured, match="UNIBOS_SIGNING_KEY_PASSPHRASE"):
        keys.ensure()


def test_rotate_activates_the_next_key_retires_the_active_and_creates_a_new_next():
    keys.ensure()
    before = states()

    active = keys.rotate()

    after = states()
    assert active.kid == before["next"][0] == after["active"][0]
    assert after["retired"] == before["active"]
    assert after["next"] != before["next"]
    assert keys.signing_key()[0] == active.kid


def test_a_token_of_the_previous_key_verifies_after_rotate_until_it_expires(settings):
    keys.ensure()
    old_token = issue()
    keys.rotate()

    assert verify(old_token).kid != keys.signing_key()[0]
    retired = SigningKey.objects.get(state="retired")
    lifetime = max(settings.UNIBOS_ACCESS_TOKEN_TTL, settings.UNIBOS_NODE_TOKEN_TTL)
    assert retired.expires_at - retired.retired_at == timedelta(
        seconds=lifetime + tokens.LEEWAY_SECONDS
    )

    retired.expires_at = timezone.now() - timedelta(seconds=1)
    retired.save()
    assert retired.kid not in {jwk["kid"] for jwk in keys.jwks()["keys"]}
    with pytest.raises(tokens.TokenError, match="unknown key"):
        verify(old_token)


def test_expired_retired_keys_leave_the_table_at_the_next_rotation():
    keys.ensure()
    first = keys.rotate()
    SigningKey.objects.filter(state="retired").update(expires_at=timezone.now())

    keys.rotate()

    assert states()["retired"] == [first.kid]


def test_rotate_without_a_next_key_says_to_run_ensure():
    with pytest.raises(keys.NoSigningKey, match="keys ensure"):
        keys.rotate()


def test_signing_without_an_active_key_says_to_run_ensure():
    with pytest.raises(keys.NoSigningKey, match="keys ensure"):
        keys.signing_key()
