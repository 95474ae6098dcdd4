"""Sync's shared logic, used by the hub (`unibos.hub.sync`) and the node
(`unibos.node.sync`) alike: the hybrid logical clock, the merge, collaborative documents
and the batch format. No database, no HTTP."""
