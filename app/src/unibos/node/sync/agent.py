"""One sync round of a node: push the operation log, pull the change feed.

The hub to talk to comes from the caller (`hub`, a callable answering the write hub's
URL), so that a multi-hub selection can choose it. The node authenticates with a node
token from `POST /api/nodes/token`.

Killed at any point, the round is safe to run again: the hub skips operations at or
below its high-water mark, and the checkpoint moves only in the transaction that
applied what was pulled.
"""

import gzip
import http.client
import json
import logging
import re
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError, URLError

import unibos
from unibos.node.hub_client import HubClient, HubRefused, HubUnreachable
from unibos.node.state import Identity
from unibos.node.sync.store import SyncStore
from unibos.sync import batch

BATCH_SIZE = 1000
PAGE_SIZE = 1000
# A batch of a thousand operations is a few hundred kilobytes over a slow uplink.
TIMEOUT_SECONDS = 30.0

_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# How the hub names an origin it refuses to take operations of (unibos.hub.sync.ledger).
REFUSED_ORIGIN = re.compile(r"operations\[(\d+)\]\.node_id")

log = logging.getLogger("unibos.sync")


@dataclass(frozen=True)
class Round:
    pushed: int
    skipped: int
    pulled: int
    conflicts: int
    batches: int


class Agent:
    def __init__(
        self,
        store: SyncStore,
        identity: Identity,
        credential: str,
        hub: Callable[[], str],
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.store, self.identity, self.credential = store, identity, credential
        self.hub = hub
        self.batch_size = batch_size

    def sync(self) -> Round:
        """Push everything, then pull everything; raises HubUnreachable or HubRefused."""
        url = self.hub().rstrip("/")
        token = self._token(url)
        pushed = self.push_all(url, token)
        pulled, conflicts = self.pull_all(url, token)
        self.store.mark_synced()
        return Round(
            pushed["applied"],
            pushed["skipped"],
            pulled,
            pushed["conflicts"] + conflicts,
            pushed["batches"],
        )

    def push_all(self, url: str | None = None, token: str | None = None) -> dict[str, int]:
        """Replay this node's whole backlog (every operation after the hub's high-water
        mark as last heard; those of a collection kept from the hub as placeholders,
        unibos.sync.export), and the operations of other nodes that peers brought and
        the hub lacks as last heard, to the hub, in batches of `batch_size`, each in its
        own request. For the sync round and for benchmarks: `url` defaults to the `hub`
        callable's answer, `token` to a fresh node token. Returns the counts summed
        over the batches: `{"applied", "skipped", "conflicts", "batches"}`."""
        url = (url or self.hub()).rstrip("/")
        token = token or self._token(url)
        totals = {"applied": 0, "skipped": 0, "conflicts": 0, "batches": 0}
        # The node's own operations in batches of their own, then others': a relay the
        # hub refuses must not hold back the node's own writes.
        while operations := self.store.hub_queue(self.batch_size):
            self._push_batch(url, token, operations, totals)
        while operations := self.store.relay_queue(self.batch_size):
            try:
                self._push_batch(url, token, operations, totals)
            except HubRefused as refusal:
                self._stop_relaying(refusal, operations)
        return totals

    def _push_batch(
        self, url: str, token: str, operations: list[dict[str, Any]], totals: dict[str, int]
    ) -> None:
        answer = self._request(
            url,
            "POST",
            "/api/sync/push",
            token,
            {
                "node_id": self.identity.node_id,
                "organization": self.identity.organization_id,
                "operations": operations,
            },
        )
        self.store.mark_pushed(answer["high_water"])
        # A hub from before relays answers without it, and takes no batch that needs it.
        self.store.mark_relayed(answer.get("high_waters", {}))
        for key in ("applied", "skipped", "conflicts"):
            totals[key] += answer[key]
        totals["batches"] += 1

    def _stop_relaying(self, refusal: HubRefused, operations: list[dict[str, Any]]) -> None:
        """Stop passing on the origin the hub refused (another organization's, unknown or
        revoked: the same answer on every retry), or raise any other refusal."""
        match = REFUSED_ORIGIN.fullmatch(refusal.field or "")
        if refusal.status != 403 or match is None or int(match[1]) >= len(operations):
            raise refusal
        origin = operations[int(match[1])]["node_id"]
        log.error("stopped passing on the operations of node %s: %s", origin, refusal.detail)
        self.store.stop_relaying(origin)

    def pull_all(self, url: str, token: str) -> tuple[int, int]:
        """Apply the change feed after the checkpoint; (operations, conflicts)."""
        pulled = conflicts = 0
        while True:
            page = self._request(
                url,
                "GET",
                f"/api/sync/changes?after={self.store.checkpoint}&limit={PAGE_SIZE}",
                token,
            )
            conflicts += self.store.apply_remote(page["operations"], page["next"])
            pulled += len(page["operations"])
            if not page["more"]:
                return pulled, conflicts

    def _token(self, url: str) -> str:
        answer = HubClient(url).node_token(
            self.identity.node_id, self.credential, unibos.__version__
        )
        return answer["access_token"]

    def _request(
        self, url: str, method: str, path: str, token: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        headers = {
            "Accept": "application/json",
            "Accept-Encoding": "gzip",
            "Authorization": f"Bearer {token}",
        }
        data = None
        if body is not None:
            data = batch.compress(body)
            headers.update({"Content-Type": "application/json", "Content-Encoding": "gzip"})
        request = urllib.request.Request(f"{url}{path}", data=data, headers=headers, method=method)
        try:
            with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                return _document(url, path, response.read(), response.headers)
        except HTTPError as error:
            # Its body may be cut short too: then it is no refusal of the hub's.
            try:
                document = _document(url, path, error.read(), error.headers)
            except (HubUnreachable, OSError, http.client.HTTPException):
                document = {}
            if error.code >= 500 or "detail" not in document:
                raise HubUnreachable(url, f"{path} answered HTTP {error.code}") from None
            error_code = str(document.get("error", ""))
            field = document.get("field")
            raise HubRefused(
                url,
                error.code,
                error_code,
                document["detail"],
                field if isinstance(field, str) else None,
            ) from None
        except URLError as error:
            raise HubUnreachable(url, str(error.reason)) from None
        except (OSError, http.client.HTTPException) as error:
            # A timeout while reading, or a connection cut short: a hub that dies between
            # its answer's headers and its body leaves an IncompleteRead.
            raise HubUnreachable(url, str(error) or type(error).__name__) from None


def _document(url: str, path: str, content: bytes, headers: Any) -> dict[str, Any]:
    if headers.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    try:
        document = json.loads(content)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise HubUnreachable(url, f"{path} did not answer with a JSON object")
    return document
