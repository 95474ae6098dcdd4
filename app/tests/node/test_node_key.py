import stat

import pytest
from unibos.http.errors import ApiError
from unibos.http.node.auth import verify
from unibos.identity import tokens
from unibos.node import local_tokens
from unibos.node import state as state_files
from unibos.node.state import Identity


def test_there_is_no_node_key_until_one_is_needed(node_config):
    assert local_tokens.public_jwk(node_config.state) is None
    assert not node_config.state.path.exists()


def test_the_node_key_is_created_once_and_private(node_config):
    key = local_tokens.private_key(node_config.state)
    path = node_config.state.file(state_files.NODE_KEY)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = local_tokens.private_key(node_config.state)
    assert again.private_bytes_raw() == key.private_bytes_raw()


def test_a_node_local_token_has_the_claims_of_a_hub_token(node_config, node_of_jwks_server):
    response = local_tokens.issue(node_config.state, node_of_jwks_server, 42, "admin")

    assert response["token_type"] == "Bearer"
    assert response["expires_in"] == local_tokens.TOKEN_TTL_SECONDS
    assert response["organization"] == node_of_jwks_server.organization
    claims = verify(response["access_token"], node_config, node_of_jwks_server)
    assert claims.issuer == f"node:{node_of_jwks_server.node_id}"
    assert (claims.subject, claims.organization, claims.role) == ("user:42", 7, "admin")
    lifetime = claims.expires_at - claims.issued_at
    assert lifetime.total_seconds() == local_tokens.TOKEN_TTL_SECONDS


def test_a_node_local_token_is_worth_nothing_to_another_node(node_config, node_of_jwks_server):
    token = local_tokens.issue(node_config.state, node_of_jwks_server, 42, "member")
    # The same key files, but another node's identity: the issuer no longer matches.
    other = Identity(
        **{**vars(node_of_jwks_server), "node_id": "0b7a5c1e-0000-4000-8000-000000000000"}
    )

    with pytest.raises(ApiError, match="token issuer is not 'node:0b7a5c1e") as refused:
        verify(token["access_token"], node_config, other)
    assert refused.value.status == 401


def test_a_node_local_token_does_not_verify_against_the_hub_keys(
    node_config, node_of_jwks_server, hub_key
):
    token = local_tokens.issue(node_config.state, node_of_jwks_server, 42, "member")

    with pytest.raises(tokens.TokenError, match="unknown key"):
        tokens.verify(
            token["access_token"],
            {hub_key.kid: hub_key.private.public_key()},
            issuer=node_of_jwks_server.issuer,
        )
