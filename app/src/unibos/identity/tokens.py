"""Issue (hub) and verify (hub and node) the JWTs of UNIBOS: Ed25519, `alg` EdDSA.

Pure: no database, no settings. The caller passes the keys, the issuer and the
audience, so a node verifies offline against its cached JWKS with the same code the
hub uses against its own keys.
"""

import base64
import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "EdDSA"
AUDIENCE = "unibos"
LEEWAY_SECONDS = 30
REQUIRED_CLAIMS = ("iss", "aud", "sub", "org", "role", "iat", "nbf", "exp", "jti")
ROLES = ("owner", "admin", "member", "viewer", "node")
SUBJECT_KINDS = ("user", "node")

Keys = Mapping[str, Ed25519PublicKey | jwt.PyJWK] | jwt.PyJWKSet


class TokenError(Exception):
    """The token is not one to accept; the message says why, without echoing it."""


@dataclass(frozen=True)
class Claims:
    issuer: str
    subject: str
    organization: int
    role: str
    issued_at: datetime
    expires_at: datetime
    jti: str
    kid: str

    @property
    def kind(self) -> str:
        """`user` or `node`."""
        return self.subject.partition(":")[0]

    @property
    def subject_id(self) -> str:
        """The user's id or the node's UUID, as text."""
        return self.subject.partition(":")[2]


def public_jwk(public_key: Ed25519PublicKey) -> dict[str, str]:
    """The OKP JWK of a public key, with its RFC 7638 thumbprint as `kid`: of the hub's
    signing keys (unibos.identity.keys) and of a node's own (unibos.node.local_tokens)."""
    x = _b64url(public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    # RFC 7638: the required members only, sorted, no whitespace.
    required = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"))
    kid = _b64url(hashlib.sha256(required.encode()).digest())
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": ALGORITHM, "use": "sig"}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def grant(token: str, ttl: int, organization: dict[str, Any], role: str) -> dict[str, Any]:
    """A token as it is handed out (the TOKEN document of both APIs): by the hub, and by
    a node that stands in for an unreachable hub with a token of its own."""
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": ttl,
        "organization": organization,
        "role": role,
    }


def issue(
    private_key: Ed25519PrivateKey,
    kid: str,
    *,
    issuer: str,
    subject: str,
    organization: int,
    role: str,
    ttl_seconds: int,
    now: datetime | None = None,
) -> str:
    issued = int((now or datetime.now(UTC)).timestamp())
    claims = {
        "iss": issuer,
        "aud": AUDIENCE,
        "sub": subject,
        "org": organization,
        "role": role,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, private_key, algorithm=ALGORITHM, headers={"kid": kid})


def verify(
    token: str,
    keys: Keys,
    *,
    issuer: str,
    audience: str = AUDIENCE,
    leeway: int = LEEWAY_SECONDS,
) -> Claims:
    """The claims of a token signed by one of `keys` (kid -> public key, or a JWKS).

    Raises TokenError for anything else: malformed, another algorithm than EdDSA
    (`none`, or HS256 keyed with a public key), an unknown kid, a bad signature, a
    wrong issuer or audience, outside nbf/exp (give or take `leeway` s), a claim
    missing or of the wrong type.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise TokenError(f"malformed token: {error}") from None
    if header.get("alg") != ALGORITHM:
        raise TokenError(f"token algorithm must be {ALGORITHM}, not {header.get('alg')!r}")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise TokenError("token header has no kid")
    key = _key(keys, kid)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=issuer,
            leeway=leeway,
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except jwt.ExpiredSignatureError:
        raise TokenError("token has expired") from None
    except jwt.InvalidAudienceError:
        raise TokenError(f"token audience is not {audience!r}") from None
    except jwt.InvalidIssuerError:
        raise TokenError(f"token issuer is not {issuer!r}") from None
    except jwt.PyJWTError as error:
        raise TokenError(f"invalid token: {error}") from None
    return _claims(claims, kid)


def _key(keys: Keys, kid: str) -> Ed25519PublicKey:
    try:
        key = keys[kid]
    except KeyError:
        raise TokenError(f"token signed by unknown key {kid!r}") from None
    key = key.key if isinstance(key, jwt.PyJWK) else key
    if not isinstance(key, Ed25519PublicKey):
        raise TokenError(f"key {kid!r} is not an Ed25519 public key")
    return key


def _claims(claims: dict[str, Any], kid: str) -> Claims:
    kind, _, identifier = str(claims["sub"]).partition(":")
    if not isinstance(claims["sub"], str) or kind not in SUBJECT_KINDS or not identifier:
        raise TokenError("token subject must be user:<id> or node:<uuid>")
    # bool is an int to Python, not an organization id.
    if not isinstance(claims["org"], int) or isinstance(claims["org"], bool):
        raise TokenError("token org must be an organization id")
    if claims["role"] not in ROLES:
        raise TokenError(f"token role must be one of {', '.join(ROLES)}")
    if not isinstance(claims["jti"], str):
        raise TokenError("token jti must be a string")
    return Claims(
        issuer=claims["iss"],
        subject=claims["sub"],
        organization=claims["org"],
        role=claims["role"],
        issued_at=datetime.fromtimestamp(claims["iat"], UTC),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        jti=claims["jti"],
        kid=kid,
    )
