"""A fake clock, and real `Hubs` (breakers and all) whose health probe is scripted:
for the unit tests of the offline detector and the sync runner."""

from unibos.node.sync.hub_routing import Hubs
from unibos.routing.table import Target
from unibos.routing.target_health import ProbeFailed

HUB = "http://hub.test:8080"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class ScriptedHubs(Hubs):
    """Hubs whose health probe answers as `up` says, and counts itself."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__([(HUB, None)], clock=clock)
        self.up = True
        self.probes = 0

    def _probe(self, target: Target) -> float:
        self.probes += 1
        if not self.up:
            # Not a refused connection: the breaker stays closed for a few of these, so
            # the detector's own verdict is what is tested.
            raise ProbeFailed("/api/ready answered HTTP 503")
        return 0.01
