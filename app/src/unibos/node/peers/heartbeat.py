"""The heartbeat, caller's side: one authenticated call to a peer's node API.

`POST /api/peers/heartbeat` (unibos.http.node.peers) with this node's hub-issued token;
the peer answers who it is, its version vector, from which each side counts what the
other lacks, and its own token, the proof of who it is (the watch verifies it). A short
timeout: a vanished peer must not hold the round of the others. `post` is the call
itself, which the peer exchange (unibos.node.peers.exchange) makes too.
"""

import http.client
import json
import urllib.request
from typing import Any
from urllib.error import HTTPError, URLError

from unibos.node.peers.auth import PeerRefused
from unibos.node.state import Identity

PATH = "/api/peers/heartbeat"
TIMEOUT_SECONDS = 2.0

_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class PeerUnreachable(Exception):
    """No answer, or none that makes sense: the peer may be gone."""


def beat(
    address: str,
    port: int,
    host: str,
    token: str,
    identity: Identity,
    *,
    timeout: float = TIMEOUT_SECONDS,
) -> dict[str, Any]:
    """The peer's answer: {"node_id", "name", "organization", "version", "vector",
    "proof"}. `host`, its mDNS name, is the request's Host (its API allows `.local` names).

    PeerRefused when it refuses this node (401/403, its reason), PeerUnreachable when it
    does not answer.
    """
    hello = {"node_id": identity.node_id, "name": identity.name}
    answer = post(address, port, host, PATH, token, document=hello, timeout=timeout)
    if not _is_answer(answer):
        raise PeerUnreachable("did not answer with a heartbeat")
    return answer


def post(
    address: str,
    port: int,
    host: str,
    path: str,
    token: str,
    *,
    document: dict[str, Any],
    timeout: float,
) -> Any:
    """One call of a peer's node API with this node's token: the JSON it answers.
    PeerRefused on 401/403 (its reason), PeerUnreachable on anything else that fails."""
    netloc = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    request = urllib.request.Request(
        f"http://{netloc}{path}",
        data=json.dumps(document).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "Host": f"{host}:{port}",
        },
        method="POST",
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            return json.loads(response.read())
    except HTTPError as error:
        if error.code in (401, 403):
            raise PeerRefused(error.code, _detail(error)) from None
        raise PeerUnreachable(f"answered HTTP {error.code}: {_detail(error)}") from None
    except (URLError, OSError, http.client.HTTPException, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise PeerUnreachable(str(reason) or type(error).__name__) from None


def _detail(error: HTTPError) -> str:
    try:
        document = json.loads(error.read())
    except (ValueError, OSError, http.client.HTTPException):
        document = None
    if isinstance(document, dict) and isinstance(document.get("detail"), str):
        return document["detail"]
    return f"HTTP {error.code}"


def _is_answer(answer: object) -> bool:
    if not isinstance(answer, dict):
        return False
    vector = answer.get("vector")
    return (
        isinstance(answer.get("node_id"), str)
        and isinstance(vector, dict)
        and all(
            isinstance(mark, int) and not isinstance(mark, bool) and mark >= 0
            for mark in vector.values()
        )
    )
