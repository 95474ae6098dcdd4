"""Where this node keeps its state and finds its hub, from the settings when asked.

Read when needed rather than at import, so the same code serves `unibos-node`, the
`unibos` CLI and tests that point it at a temporary directory.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from unibos.node.state import Identity, StateDir


@dataclass(frozen=True)
class NodeConfig:
    state_dir: Path
    # UNIBOS_HUB_URL; empty: the hub URL recorded at enrolment.
    hub_url: str
    jwks_refresh_interval: int

    @classmethod
    def from_settings(cls) -> "NodeConfig":
        return cls(
            state_dir=Path(settings.UNIBOS_NODE_STATE_DIR),
            hub_url=settings.UNIBOS_HUB_URL,
            jwks_refresh_interval=settings.UNIBOS_JWKS_REFRESH_INTERVAL,
        )

    @property
    def state(self) -> StateDir:
        return StateDir(self.state_dir)

    def hub_url_for(self, identity: Identity) -> str:
        return (self.hub_url or identity.hub_url).rstrip("/")
