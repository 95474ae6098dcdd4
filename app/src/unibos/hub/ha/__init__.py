"""The hub's high-availability cluster as Patroni reports it.

`patroni` is the client of Patroni's REST API, `cluster` the reading of its GET /cluster
(pure, no I/O, no Django). unibos-hub's `status` and `failover` commands use both; the
controller's test kit (unibos_controller.testbed) judges the `ha` scenario's members
with the same reader.
"""
