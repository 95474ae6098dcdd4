from tests.node.fixtures import (  # noqa: F401
    enrolled,
    hub,
    hub_key,
    hub_server,
    jwks_server,
    node_config,
    node_of_jwks_server,
    offline,
    refresh_on_every_unknown_kid,
)
