"""The `ha` Molecule scenario's cluster, reached from the build machine: two hubs and a
witness in podman containers (docs/architecture.md, "High availability of the hub").

By job: `scenario` (names, ports, HAError), `podman`, `postgres`, `cluster` (Patroni and
etcd), `redis_sentinel`, `health` (the steady state and the wait for it), `writers`,
`probe` (with `probe_program`, which runs inside a hub), and `drills`: the faults with
their measurements that bench/failover.py repeats and molecule/ha/faults.py runs once
for the scenario's verify.
"""
