"""The heartbeat, caller's side: one authenticated call to a peer's node API.

`POST /api/peers/heartbeat` (unibos.http.node.peers) with this node's hub-issued token;
the peer answers who it is and its version vector, from which each side counts what the
other lacks. A short timeout: a vanished peer must not hold the round of the others.
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
    """The peer's answer: {"node_id", "name", "organization", "version", "vector"}.
    `host`, its mDNS name, is the request's Host (its API allows `.local` names).

    PeerRefused when it refuses this node (401/403, its reason), PeerUnreachable when it
    does not answer.
    """
    netloc = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    request = urllib.request.Request(
        f"http://{netloc}{PATH}",
        data=json.dumps({"node_id": identity.node_id, "name": identity.name}).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "Host": f"{host}:{port}",
        },
        method="POST",
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            answer = json.loads(response.read())
    except HTTPError as error:
        if error.code in (401, 403):
            raise PeerRefused(error.code, _detail(error)) from None
        raise PeerUnreachable(f"answered HTTP {error.code}: {_detail(error)}") from None
    except (URLError, OSError, http.client.HTTPException, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise PeerUnreachable(str(reason) or type(error).__name__) from None
    if not _is_answer(answer):
        raise PeerUnreachable("did not answer with a heartbeat")
    return answer


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
