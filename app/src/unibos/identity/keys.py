"""The hub's Ed25519 signing keys: create, rotate, sign with the active one, publish.

Exactly one `active` key signs. A `next` key is published before it signs, so nodes
have it in their cached JWKS by the time `rotate` makes it active; the old active key
is `retired` and stays published until the last token it signed has expired.
"""

import base64
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from unibos.identity.models import SigningKey
from unibos.identity.tokens import LEEWAY_SECONDS, public_jwk

State = SigningKey.State


class NoSigningKey(Exception):
    """There is no key to sign with, or to rotate to: `unibos-hub keys ensure` makes them."""


def _passphrase() -> str:
    if not settings.UNIBOS_SIGNING_KEY_PASSPHRASE:
        # Check unibos.E011 stops the services; this stops the CLI.
        raise ImproperlyConfigured(
            "UNIBOS_SIGNING_KEY_PASSPHRASE is not set (nor UNIBOS_SIGNING_KEY_PASSPHRASE_FILE)"
        )
    return settings.UNIBOS_SIGNING_KEY_PASSPHRASE


def _create(state: str, now: datetime) -> SigningKey:
    private_key = Ed25519PrivateKey.generate()
    jwk = public_jwk(private_key.public_key())
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_passphrase().encode()),
    )
    return SigningKey.objects.create(
        kid=jwk["kid"],
        public_jwk=jwk,
        private_pem=pem.decode(),
        state=state,
        activated_at=now if state == State.ACTIVE else None,
    )


def _purge(now: datetime) -> None:
    SigningKey.objects.filter(state=State.RETIRED, expires_at__lte=now).delete()


def ensure() -> bool:
    """Create the active and next keys that are missing; True when one was created."""
    now = timezone.now()
    with transaction.atomic():
        present = set(
            SigningKey.objects.select_for_update()
            .filter(state__in=[State.ACTIVE, State.NEXT])
            .values_list("state", flat=True)
        )
        for state in (State.ACTIVE, State.NEXT):
            if state not in present:
                _create(state, now)
        _purge(now)
    return present != {State.ACTIVE, State.NEXT}


def longest_token_lifetime() -> timedelta:
    """How long a retired key must stay published: until its last token expired."""
    return timedelta(
        seconds=max(settings.UNIBOS_ACCESS_TOKEN_TTL, settings.UNIBOS_NODE_TOKEN_TTL)
        + LEEWAY_SECONDS
    )


def rotate() -> SigningKey:
    """Make the next key active, retire the active one, create a new next; the new active."""
    now = timezone.now()
    with transaction.atomic():
        current = {
            key.state: key
            for key in SigningKey.objects.select_for_update().filter(
                state__in=[State.ACTIVE, State.NEXT]
            )
        }
        if State.NEXT not in current:
            raise NoSigningKey("there is no next key to rotate to; run `unibos-hub keys ensure`")
        # In this order: at most one key per state at any statement.
        if State.ACTIVE in current:
            retired = current[State.ACTIVE]
            retired.state = State.RETIRED
            retired.retired_at = now
            retired.expires_at = now + longest_token_lifetime()
            retired.save(update_fields=["state", "retired_at", "expires_at"])
        promoted = current[State.NEXT]
        promoted.state = State.ACTIVE
        promoted.activated_at = now
        promoted.save(update_fields=["state", "activated_at"])
        _create(State.NEXT, now)
        _purge(now)
    return promoted


def published() -> list[SigningKey]:
    """The keys a verifier may meet: next, active, and retired ones not yet expired."""
    now = timezone.now()
    return [
        key
        for key in SigningKey.objects.all()
        if key.state != State.RETIRED or (key.expires_at is not None and key.expires_at > now)
    ]


def jwks() -> dict[str, Any]:
    return {"keys": [key.public_jwk for key in published()]}


def verification_keys() -> dict[str, Ed25519PublicKey]:
    """kid -> public key of every published key, for tokens.verify on the hub."""
    return {key.kid: _public_key(key.public_jwk["x"]) for key in published()}


def signing_key() -> tuple[str, Ed25519PrivateKey]:
    """The active key's kid and private key."""
    key = SigningKey.objects.filter(state=State.ACTIVE).first()
    if key is None:
        raise NoSigningKey("the hub has no active signing key; run `unibos-hub keys ensure`")
    return key.kid, _private_key(key.kid, key.private_pem, _passphrase())


@lru_cache(maxsize=8)
def _private_key(kid: str, pem: str, passphrase: str) -> Ed25519PrivateKey:
    # Decrypting the PEM derives the key from the passphrase on purpose slowly; once
    # per process and key is enough.
    try:
        key = serialization.load_pem_private_key(pem.encode(), passphrase.encode())
    except ValueError:
        raise NoSigningKey(
            f"cannot decrypt signing key {kid}: UNIBOS_SIGNING_KEY_PASSPHRASE differs from the "
            "one it was created with"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise NoSigningKey(f"signing key {kid} is not an Ed25519 key")
    return key


def _public_key(x: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)))
