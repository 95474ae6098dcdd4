"""tokens.verify accepts only EdDSA tokens of a known key, issuer and audience, in time."""

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from unibos.identity import tokens
from unibos.identity.tokens import public_jwk

ISSUER = "unibos-hub"


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def kid(key) -> str:
    return public_jwk(key.public_key())["kid"]


@pytest.fixture(scope="module")
def keyring(key, kid) -> dict:
    return {kid: key.public_key()}


def issue(key, kid, **overrides) -> str:
    arguments = {
        "issuer": ISSUER,
        "subject": "user:7",
        "organization": 3,
        "role": "admin",
        "ttl_seconds": 900,
    }
    return tokens.issue(key, kid, **{**arguments, **overrides})


def claims_of(key, kid, headers=None, **claims) -> str:
    now = int(datetime.now(UTC).timestamp())
    document = {
        "iss": ISSUER,
        "aud": "unibos",
        "sub": "user:7",
        "org": 3,
        "role": "admin",
        "iat": now,
        "nbf": now,
        "exp": now + 900,
        "jti": "j",
        **claims,
    }
    document = {name: value for name, value in document.items() if value is not None}
    return jwt.encode(document, key, algorithm="EdDSA", headers={"kid": kid, **(headers or {})})


def refusal(token: str, keyring: dict, **options) -> str:
    with pytest.raises(tokens.TokenError) as refused:
        tokens.verify(token, keyring, issuer=options.pop("issuer", ISSUER), **options)
    return str(refused.value)


def test_an_issued_token_verifies_with_its_claims(key, kid, keyring):
    claims = tokens.verify(issue(key, kid), keyring, issuer=ISSUER)

    assert (claims.subject, claims.kind, claims.subject_id) == ("user:7", "user", "7")
    assert (claims.organization, claims.role, claims.kid) == (3, "admin", kid)
    assert claims.expires_at - claims.issued_at == timedelta(seconds=900)


def test_the_header_names_eddsa_and_the_kid(key, kid):
    assert jwt.get_unverified_header(issue(key, kid)) == {"alg": "EdDSA", "kid": kid, "typ": "JWT"}


def test_a_token_signed_by_another_key_under_the_same_kid_is_forged(kid, keyring):
    forged = issue(Ed25519PrivateKey.generate(), kid)

    assert "Signature verification failed" in refusal(forged, keyring)


def test_a_tampered_payload_is_refused(key, kid, keyring):
    header, payload, signature = issue(key, kid).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["org"] = 4
    tampered = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    assert "Signature verification failed" in refusal(f"{header}.{tampered}.{signature}", keyring)


def test_an_expired_token_is_refused_after_the_leeway(key, kid, keyring):
    past = datetime.now(UTC) - timedelta(seconds=900 + 31)

    assert refusal(issue(key, kid, now=past), keyring) == "token has expired"


def test_a_token_expired_within_the_leeway_still_verifies(key, kid, keyring):
    past = datetime.now(UTC) - timedelta(seconds=900 + 20)

    assert tokens.verify(issue(key, kid, now=past), keyring, issuer=ISSUER).role == "admin"


def test_a_token_not_valid_yet_is_refused(key, kid, keyring):
    now = int(datetime.now(UTC).timestamp())

    assert "not yet valid" in refusal(claims_of(key, kid, nbf=now + 120), keyring)


def test_a_wrong_audience_is_refused(key, kid, keyring):
    assert refusal(claims_of(key, kid, aud="other"), keyring) == "token audience is not 'unibos'"


def test_a_wrong_issuer_is_refused(key, kid, keyring):
    assert refusal(issue(key, kid), keyring, issuer="node:x") == "token issuer is not 'node:x'"


def test_hs256_keyed_with_the_public_key_bytes_is_refused(key, kid, keyring):
    public_bytes = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    now = int(datetime.now(UTC).timestamp())
    document = {"iss": ISSUER, "aud": "unibos", "sub": "user:7", "org": 3, "role": "owner",
                "iat": now, "nbf": now, "exp": now + 900, "jti": "j"}  # fmt: skip
    forged = jwt.encode(document, public_bytes, algorithm="HS256", headers={"kid": kid})

    assert refusal(forged, keyring) == "token algorithm must be EdDSA, not 'HS256'"


def test_alg_none_is_refused(kid, keyring):
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": kid}).encode())
    payload = base64.urlsafe_b64encode(json.dumps({"sub": "user:7", "org": 3}).encode())
    unsigned = f"{header.rstrip(b'=').decode()}.{payload.rstrip(b'=').decode()}."

    assert refusal(unsigned, keyring) == "token algorithm must be EdDSA, not 'none'"


def test_an_unknown_kid_is_refused(key, keyring):
    assert (
        refusal(issue(key, "someone-else"), keyring) == "token signed by unknown key 'someone-else'"
    )


@pytest.mark.parametrize("missing", tokens.REQUIRED_CLAIMS)
def test_every_claim_is_required(key, kid, keyring, missing):
    assert missing in refusal(claims_of(key, kid, **{missing: None}), keyring)


@pytest.mark.parametrize(
    ("claims", "problem"),
    [
        ({"sub": "admin"}, "subject"),
        ({"sub": "group:1"}, "subject"),
        ({"org": "3"}, "org"),
        ({"org": True}, "org"),
        ({"role": "root"}, "role"),
    ],
)
def test_claims_of_the_wrong_form_are_refused(key, kid, keyring, claims, problem):
    assert problem in refusal(claims_of(key, kid, **claims), keyring)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x.y.z"])
def test_malformed_tokens_are_refused(keyring, garbage):
    assert refusal(garbage, keyring).startswith("malformed token")


def test_a_jwks_verifies_as_a_node_would_offline(key, kid):
    jwks = jwt.PyJWKSet.from_dict({"keys": [public_jwk(key.public_key())]})

    assert tokens.verify(issue(key, kid), jwks, issuer=ISSUER).subject == "user:7"
    assert "unknown key" in refusal(issue(key, "other"), jwks)


def test_the_kid_is_the_rfc_7638_thumbprint_of_the_rfc_8037_example_key():
    # RFC 8037 appendix A.1 and A.3.
    secret = base64.urlsafe_b64decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")
    key = Ed25519PrivateKey.from_private_bytes(secret)

    jwk = public_jwk(key.public_key())

    assert jwk["x"] == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    assert jwk["kid"] == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
