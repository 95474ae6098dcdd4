"""The node API's side of its peers on the LAN (unibos.node.peers): the heartbeat, through
which a peer says it is alive and learns this node's version vector, and the exchange,
through which a peer pulls the operations it lacks (unibos.node.peers.exchange).

The caller's hub-issued node token is verified against the cached JWKS only, never by
asking the hub (peers talk while none answers); another organization's node or a token
that does not verify is refused, and logged once per peer, naming it. Each answer carries
this node's own token, the proof of who it is, which the caller verifies the same way.
"""

from django.http import HttpRequest, JsonResponse

import unibos
from unibos.http import openapi
from unibos.http.bearer import bearer_token, unauthorized
from unibos.http.contract import body, endpoint
from unibos.http.errors import ApiError
from unibos.http.node.auth import enrolled
from unibos.node.config import NodeConfig
from unibos.node.peers import auth, exchange
from unibos.node.state import Identity
from unibos.node.sync.store import SyncStore

HELLO = {
    "type": "object",
    "required": ["node_id", "name"],
    "additionalProperties": False,
    "properties": {
        "node_id": {"type": "string", "format": "uuid", "maxLength": 36},
        "name": openapi.text(200),
    },
}
ANSWER = {
    "type": "object",
    "required": ["node_id", "name", "organization", "version", "vector", "proof"],
    "properties": {
        "node_id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "organization": {"type": "integer"},
        "version": {"type": "string"},
        "vector": exchange.VECTOR,
        "proof": {
            "type": ["string", "null"],
            "description": "this node's hub-issued node token, which the caller verifies "
            "against its own cached JWKS; null while it holds none unexpired (the caller "
            "refuses it then)",
        },
    },
}
ASK = {
    **HELLO,
    "required": [*HELLO["required"], "vector"],
    "properties": {**HELLO["properties"], "vector": exchange.VECTOR, "limit": exchange.LIMIT},
}
ERRORS = {401: openapi.ERROR, 403: openapi.ERROR, 503: openapi.ERROR}

# One per process: a refused peer retries every few seconds.
refusals = auth.RefusalLog()


def peer(request: HttpRequest) -> tuple[NodeConfig, Identity]:
    """This node, once the caller is verified as the node of its organization that the
    body names; a refusal answers 401 or 403 with the reason, logged once per peer."""
    config, identity = enrolled()
    hello = body(request)
    named = f"{hello['name']} ({hello['node_id']} at {request.META.get('REMOTE_ADDR')})"
    token = bearer_token(request)
    try:
        auth.verify_node(token, hello["node_id"], config.state, identity)
    except auth.PeerRefused as refusal:
        refusals.refused(named, refusal.reason)
        if refusal.status == 401:
            raise unauthorized(refusal.reason) from None
        raise ApiError(403, "forbidden", refusal.reason) from None
    refusals.forget(named)
    return config, identity


@openapi.operation(
    summary="A peer's heartbeat: this node's version vector for a node of its organization",
    description="The caller's hub-issued node token is verified offline, against this "
    "node's cached JWKS.",
    auth="bearer",
    request=HELLO,
    responses={200: ANSWER, **ERRORS},
)
@endpoint("POST")
def heartbeat(request: HttpRequest) -> JsonResponse:
    config, identity = peer(request)
    with SyncStore.of_node(identity) as store:
        vector = store.vector()
    return JsonResponse(
        {
            "node_id": identity.node_id,
            "name": identity.name,
            "organization": identity.organization_id,
            "version": unibos.__version__,
            "vector": vector,
            "proof": auth.proof(config.state),
        }
    )


@openapi.operation(
    summary="The operations a node of this organization lacks, by its version vector",
    description="The caller's hub-issued node token is verified offline, against this "
    "node's cached JWKS. The answer holds at most `limit` operations and about "
    f"{exchange.MAX_ANSWER_BYTES} bytes of them (one operation at least), each origin's "
    "in seq order; `more` says to ask again. 503 while this node holds no unexpired node "
    "token to prove who it is.",
    auth="bearer",
    request=ASK,
    responses={200: exchange.ANSWER, **ERRORS},
)
@endpoint("POST")
def operations(request: HttpRequest) -> JsonResponse:
    config, identity = peer(request)
    proof = auth.proof(config.state)
    if proof is None:
        raise ApiError(
            503,
            "no_node_token",
            "this node holds no unexpired node token to prove who it is: its hub has not "
            "issued one lately",
        )
    ask = body(request)
    with SyncStore.of_node(identity) as store:
        batch, more = exchange.lacking(store, ask["vector"], ask["limit"])
        vector = store.vector()
    return JsonResponse(
        {
            "node_id": identity.node_id,
            "organization": identity.organization_id,
            "proof": proof,
            "vector": vector,
            "operations": batch,
            "more": more,
        }
    )
