"""How peers prove who they are: hub-issued node tokens, checked with no network.

The caller sends its node token (`NodeToken`: the hub's, kept in the state directory so
that it serves while the hub is away, until it expires); the peer verifies it against
its cached JWKS only (`verify`, `verify_node`), never asking the hub: peers talk while no
hub answers. The peer answers with its own token as it holds it (`proof`), which the
caller verifies the same way, so neither side takes the other's vector or operations on
its word. A token that does not verify, is no node's, is another organization's or
another node's than the one expected is refused (`PeerRefused`), and each side logs a
refusal once per peer (`RefusalLog`).
"""

import json
import logging
import time
from collections.abc import Callable

import jwt

import unibos
from unibos.identity import tokens
from unibos.node import jwks_cache
from unibos.node.hub_client import HubClient, HubRefused, HubUnreachable
from unibos.node.state import PRIVATE, Identity, StateDir

# The hub's node token as last issued: {"token", "expires_at"} (wall seconds).
NODE_TOKEN = "node_token.json"
# A token closer than this to its expiry is renewed when the hub answers.
RENEW_BEFORE_SECONDS = 600.0
# After a failed renewal, the hub is not asked again for this long.
RETRY_SECONDS = 60.0
# How many refused peers a process remembers having logged (forged ids cannot grow it).
REFUSALS_KEPT = 1024

log = logging.getLogger("unibos.peers")


class PeerRefused(Exception):
    """A peer's token is refused: `status` 401 (it does not verify) or 403 (it verifies
    but is no node of this organization)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def verify(token: str, state: StateDir, identity: Identity) -> tokens.Claims:
    """The claims of a peer's node token: signed by a key of this node's cached JWKS,
    issued by its hub to a node of its organization, not to this node itself."""
    keys = {}
    for jwk in jwks_cache.cached(state).keys:
        try:
            keys[str(jwk.get("kid"))] = jwt.PyJWK(jwk)
        except jwt.PyJWTError:
            continue
    try:
        claims = tokens.verify(token, keys, issuer=identity.issuer)
    except tokens.TokenError as error:
        raise PeerRefused(401, str(error)) from None
    if claims.kind != "node" or claims.role != "node":
        raise PeerRefused(403, f"a peer needs a node token, not a {claims.kind} token")
    if claims.organization != identity.organization_id:
        raise PeerRefused(
            403,
            f"node {claims.subject_id} is of organization {claims.organization}; this node "
            f"serves organization {identity.organization_id}",
        )
    if claims.subject_id == identity.node_id:
        raise PeerRefused(403, "the token is this node's own")
    return claims


def verify_node(token: str, node_id: str, state: StateDir, identity: Identity) -> tokens.Claims:
    """`verify`, and the token is node `node_id`'s: the node the peer says it is (its
    request) or the one this node found (an answer's proof)."""
    claims = verify(token, state, identity)
    if claims.subject_id != node_id:
        raise PeerRefused(403, f"the token is node {claims.subject_id}'s")
    return claims


def held_token(state: StateDir) -> tuple[str, float]:
    """This node's token as last issued, and when it expires (wall seconds); ("", 0.0)
    when there is none."""
    document = state.read_json(NODE_TOKEN) or {}
    token, expires_at = document.get("token"), document.get("expires_at")
    if not isinstance(token, str) or not isinstance(expires_at, int | float):
        return "", 0.0
    return token, float(expires_at)


def proof(state: StateDir, clock: Callable[[], float] = time.time) -> str | None:
    """This node's token, if it has not expired, to prove to a caller who answers: read
    only, the node API never asks the hub (the sync agent renews it)."""
    token, expires_at = held_token(state)
    return token if token and expires_at > clock() else None


class RefusalLog:
    """Logs a refusal once per peer: a peer retries every few seconds."""

    def __init__(self) -> None:
        self._logged: set[str] = set()

    def refused(self, peer: str, reason: str) -> None:
        if peer in self._logged:
            return
        if len(self._logged) < REFUSALS_KEPT:
            self._logged.add(peer)
        log.warning("refused peer %s: %s", peer, reason)

    def forget(self, peer: str) -> None:
        """It was accepted since: a later refusal is news again."""
        self._logged.discard(peer)


class NodeToken:
    """This node's hub-issued token for its peers, renewed from the hub when it answers."""

    def __init__(
        self,
        state: StateDir,
        identity: Identity,
        credential: str,
        hub_url: Callable[[], str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.state, self.identity, self.credential = state, identity, credential
        self.hub_url, self.clock = hub_url, clock
        self._next_try = 0.0

    def get(self) -> str | None:
        """A token that has not expired, renewed first when near its end and the hub
        answers; None when there is none (then no peer accepts this node)."""
        token, expires_at = held_token(self.state)
        now = self.clock()
        if expires_at - now < RENEW_BEFORE_SECONDS and now >= self._next_try:
            token, expires_at = self._renew() or (token, expires_at)
        return token if token and expires_at > now else None

    def _renew(self) -> tuple[str, float] | None:
        try:
            answer = HubClient(self.hub_url()).node_token(
                self.identity.node_id, self.credential, unibos.__version__
            )
        except (HubUnreachable, HubRefused) as error:
            self._next_try = self.clock() + RETRY_SECONDS
            log.info("could not renew the node token for peers: %s", error)
            return None
        token, expires_at = answer["access_token"], self.clock() + answer["expires_in"]
        # Only this node's user may read it, as the credential.
        document = {"token": token, "expires_at": expires_at}
        self.state.write(NODE_TOKEN, json.dumps(document).encode("utf-8"), PRIVATE)
        return token, expires_at
