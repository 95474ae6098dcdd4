"""The node's own Ed25519 key, and the short-lived tokens it signs while the hub is away.

A node-local token carries the claims of a hub token but `iss` `node:<uuid>`; only
this node holds its public key, so the token is worth nothing anywhere else.
"""

from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from unibos.identity import tokens
from unibos.node import state as state_files
from unibos.node.state import BrokenState, Identity, StateDir

# Short: it stands in for a hub token only until the hub is back.
TOKEN_TTL_SECONDS = 900


def issuer(identity: Identity) -> str:
    return f"node:{identity.node_id}"


def private_key(state: StateDir) -> Ed25519PrivateKey:
    """The node key, created on first need."""
    key = _load(state)
    if key is None:
        state.create(
            state_files.NODE_KEY,
            Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            state_files.PRIVATE,
        )
        # Whichever process created it first, that is the key on disk.
        key = _load(state)
    if key is None:
        raise BrokenState(f"{state.file(state_files.NODE_KEY)} vanished as it was created")
    return key


def public_jwk(state: StateDir) -> dict[str, str] | None:
    """The node key's public JWK; None while there is no key (so no token it signed)."""
    key = _load(state)
    return None if key is None else tokens.public_jwk(key.public_key())


def issue(state: StateDir, identity: Identity, user_id: int, role: str) -> dict[str, Any]:
    """A token response of the hub's shape, signed by the node key."""
    key = private_key(state)
    token = tokens.issue(
        key,
        tokens.public_jwk(key.public_key())["kid"],
        issuer=issuer(identity),
        subject=f"user:{user_id}",
        organization=identity.organization_id,
        role=role,
        ttl_seconds=TOKEN_TTL_SECONDS,
    )
    return tokens.grant(token, TOKEN_TTL_SECONDS, identity.organization, role)


def _load(state: StateDir) -> Ed25519PrivateKey | None:
    path = state.file(state_files.NODE_KEY)
    try:
        pem = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise BrokenState(f"cannot read {path}: {error.strerror}") from None
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise BrokenState(f"{path} is not an Ed25519 private key")
    return key
