"""The kit the tests and the benchmarks share: real servers and workers on this machine,
the `ha` scenario's containers, and one way to wait for something.

- `waiting`: `wait_until`, the one poll loop.
- `servers`, `workers`: PostgreSQL, Redis, Sentinel and Celery worker processes started
  on this machine (the app's tests, bench/sync.py, bench/tasks.py).
- `hosts`: HTTP requests made from inside a testinfra host (the Molecule verifies).
- `ha`: the `ha` scenario's three containers: podman, Patroni and PostgreSQL, Redis and
  Sentinel, the writer and the Celery probe, and the drills that break the cluster and
  measure what happened (molecule/ha, bench/failover.py).
"""
