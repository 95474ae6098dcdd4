"""Every UNIBOS service is installed as a systemd unit that runs, starts at boot (celery
beat: on the Patroni leader instead), and does not run as root."""

import pytest

# Each unit and the user its main process runs as.
UNITS = {
    "etcd": "etcd",
    "patroni": "postgres",
    "redis-server": "redis",
    "redis-sentinel": "redis",
    "unibos-hub": "unibos-hub",
    "unibos-beat": "unibos-hub",
    "unibos-node": "unibos-node",
    "unibos-sync": "unibos-node",
    "unibos-node-worker": "unibos-node",
    "unibos-worker@core": "unibos-worker",
    "unibos-worker@ocr": "unibos-worker",
    "unibos-worker@media": "unibos-worker",
}


# Started by patroni-leader on the member holding the leader key, never at boot.
LEADER_UNITS = ("unibos-beat",)
# Debian's HAProxy: a root master process (ports, reloads) with unprivileged workers.
BOOT_UNITS = [*(unit for unit in UNITS if unit not in LEADER_UNITS), "haproxy"]


def running_unit(unit: str, sync_unit: str) -> str:
    """The unit that runs what `unit` names: on a Pi Zero 2 W's node the node's worker
    runs the sync agent (node_sync_in_worker; test_device checks unibos-sync is off)."""
    return sync_unit if unit == "unibos-sync" else unit


@pytest.mark.parametrize("unit", BOOT_UNITS)
def test_the_unit_is_running_and_enabled(stack, sync_unit, unit):
    unit = running_unit(unit, sync_unit)
    service = stack.host.service(unit)
    assert service.is_running, f"{unit} is not active"
    assert service.is_enabled, f"{unit} does not start at boot"


@pytest.mark.parametrize(("unit", "user"), UNITS.items())
def test_the_unit_runs_as_its_own_unprivileged_user(stack, sync_unit, unit, user):
    unit = running_unit(unit, sync_unit)
    pid = stack.host.check_output(f"systemctl show -P MainPID {unit}")
    assert pid != "0", f"{unit} has no main process"
    owner = stack.host.check_output(f"ps -o user= -p {pid}")
    assert owner == user


@pytest.mark.on("hub", "patroni")
def test_celery_beat_runs_on_the_patroni_leader_and_not_from_boot(stack):
    assert stack.host.run("/usr/local/libexec/unibos/patroni-leader check").rc == 0
    assert stack.host.service("unibos-beat").is_running
    assert stack.host.check_output("systemctl is-enabled unibos-beat || true") == "static"


@pytest.mark.on("haproxy")
def test_haproxy_workers_do_not_run_as_root(stack):
    owners = stack.host.check_output("ps -o user= -C haproxy").split()
    assert "haproxy" in owners


@pytest.mark.parametrize("port", [8000, 8001])
def test_the_hub_and_node_apis_listen_on_their_own_ports(stack, port):
    assert stack.host.socket(f"tcp://0.0.0.0:{port}").is_listening


@pytest.mark.on("redis")
def test_redis_refuses_clients_without_the_password(stack):
    out = stack.host.run("redis-cli -p 6379 PING")
    assert "NOAUTH" in out.stdout + out.stderr


def test_secrets_are_readable_only_by_root_and_their_service_group(stack):
    for path in stack.host.check_output("find /etc/unibos/secrets -type f").split():
        mode = stack.host.file(path).mode
        assert mode & 0o007 == 0, f"{path} is readable by everyone ({oct(mode)})"


@pytest.mark.parametrize("unit", [u for u in UNITS if u.startswith("unibos-")])
def test_the_unit_runs_in_the_shared_systemd_sandbox(stack, unit):
    props = stack.host.check_output(
        f"systemctl show -p ProtectSystem -p NoNewPrivileges -p PrivateTmp "
        f"-p CapabilityBoundingSet -p DropInPaths {unit}"
    )
    settings = dict(line.split("=", 1) for line in props.splitlines())
    assert settings["ProtectSystem"] == "strict"
    assert settings["NoNewPrivileges"] == "yes"
    assert settings["PrivateTmp"] == "yes"
    assert settings["CapabilityBoundingSet"] == ""
    assert "/etc/systemd/system/unibos-.service.d/sandbox.conf" in settings["DropInPaths"]
