"""The hub's public signing keys as this node last fetched them, and when to fetch again.

Tokens must verify with the network down, so the cache is replaced only by a JWKS the
hub actually served: a failed refresh keeps it (and is logged). It is refetched when
older than UNIBOS_JWKS_REFRESH_INTERVAL, and at once when a token names a key it does
not hold (the hub rotated); either way at most once per UNKNOWN_KID_INTERVAL per
process, so a hub that is down or a stream of forged `kid`s costs one timeout, not one
per request.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from unibos.node import state as state_files
from unibos.node.hub_client import HubClient, HubRefused, HubUnreachable
from unibos.node.state import StateDir

UNKNOWN_KID_INTERVAL = 30.0

logger = logging.getLogger(__name__)

# Per state directory: when this process last asked the hub (monotonic seconds).
_last_attempt: dict[Path, float] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class CachedJWKS:
    keys: list[dict[str, Any]]
    fetched_at: datetime | None

    @property
    def kids(self) -> list[str]:
        return [str(key.get("kid")) for key in self.keys]

    def key(self, kid: str) -> dict[str, Any] | None:
        return next((key for key in self.keys if key.get("kid") == kid), None)


def cached(state: StateDir) -> CachedJWKS:
    """What jwks.json holds: the keys a node verifies with offline (a peer's token)."""
    document = state.read_json(state_files.JWKS) or {}
    keys = document.get("keys")
    fetched_at = document.get("fetched_at")
    return CachedJWKS(
        keys=[key for key in keys if isinstance(key, dict)] if isinstance(keys, list) else [],
        fetched_at=datetime.fromisoformat(fetched_at) if isinstance(fetched_at, str) else None,
    )


class JWKSCache:
    def __init__(
        self,
        state: StateDir,
        hub: HubClient,
        refresh_interval: int,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.state = state
        self.hub = hub
        self.refresh_interval = refresh_interval
        self.monotonic = monotonic

    def cached(self) -> CachedJWKS:
        """What jwks.json holds, without asking the hub."""
        return cached(self.state)

    def current(self) -> CachedJWKS:
        """The cache, refreshed first when it is older than the refresh interval."""
        cached = self.cached()
        if self._is_stale(cached):
            return self._refresh_unless_asked_recently() or cached
        return cached

    def key(self, kid: str) -> dict[str, Any] | None:
        """The public JWK named `kid`; a `kid` the cache lacks makes it ask the hub."""
        cached = self.current()
        key = cached.key(kid)
        if key is None:
            refreshed = self._refresh_unless_asked_recently()
            if refreshed is not None:
                key = refreshed.key(kid)
        return key

    def refresh(self) -> CachedJWKS | None:
        """Fetch the hub's JWKS into the cache; None (cache kept) when that failed."""
        with _lock:
            _last_attempt[self.state.path] = self.monotonic()
        try:
            document = self.hub.jwks()
        except (HubUnreachable, HubRefused) as error:
            logger.warning("JWKS refresh failed, keeping the cached keys: %s", error)
            return None
        fetched = CachedJWKS(
            keys=[key for key in document["keys"] if isinstance(key, dict)],
            fetched_at=datetime.now(UTC),
        )
        self.state.write_json(
            state_files.JWKS,
            {"keys": fetched.keys, "fetched_at": fetched.fetched_at.isoformat()},
        )
        return fetched

    def _is_stale(self, cached: CachedJWKS) -> bool:
        if cached.fetched_at is None:
            return True
        age = (datetime.now(UTC) - cached.fetched_at).total_seconds()
        return age >= self.refresh_interval

    def _refresh_unless_asked_recently(self) -> CachedJWKS | None:
        with _lock:
            last = _last_attempt.get(self.state.path)
        if last is not None and self.monotonic() - last < UNKNOWN_KID_INTERVAL:
            return None
        return self.refresh()
