from tests.node.fixtures import hub, hub_server, node_config  # noqa: F401
from tests.sync.fixtures import node_a, node_b, outsider  # noqa: F401
