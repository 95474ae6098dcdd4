"""`unibos-dev`'s local stack: the colocated hub, node, workers and beat run straight
from a checkout's source tree, with a PostgreSQL and a Redis of their own (the testbed's
servers), and its databases.

- `state`: the state directory (.dev-state/ in the checkout), its secrets, and each
  process's environment.
- `database`: the state's PostgreSQL (started for as long as needed, kept between runs),
  the hub's and the node's databases, migrate/shell via django-admin, dump and load.
- `processes`: children in process groups of their own, their output prefixed, stopped
  group by group.
- `stack`: `unibos-dev run` itself: servers, migrations, the children, reloading.
- `make_targets`: the Makefile targets `unibos-dev test` may run.
"""
