"""The hub's side of the domain, beside the node's (`unibos.node`): the two never import
each other, and both build on the shared logic below them (`unibos.sync`, `unibos.routing`).
"""
