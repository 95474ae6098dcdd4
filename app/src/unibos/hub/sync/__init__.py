"""The hub's side of sync: the Django app (label `sync`) whose tables hold every
organization's records and operation log, and the ledger that applies nodes' batches,
serves their changes and resolves conflicts."""
