"""The hub's side of the domain, beside the node's (`unibos.node`): the sync ledger
(`sync`) and the high-availability cluster as Patroni reports it (`ha`). The two sides
never import each other, and both build on the shared logic below them (`unibos.sync`,
`unibos.routing`).
"""
