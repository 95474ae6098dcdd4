"""The node's side of sync: its local store, the agent that pushes and pulls, the hubs it
syncs with (`hub_routing`) and `unibos sync --watch` (runner and offline detector)."""
