"""Choosing where a request goes: hubs for a node's sync today, workers for tasks later.

`table` lists the targets, `breaker` and `health` say which ones answer, `policies` rank
the ones that do, `balancers` spread load over equally ranked ones, `router` combines them.
"""
