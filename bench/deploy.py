#!/usr/bin/env python3
"""Measures a deployment of the Full Stack (Dev) host.

1. `make up` from a bare base-image container (the dev host is removed first; the base
   image and the wheelhouse are built before the clock starts, as they are cached);
2. the idempotent re-run of the playbook, its `changed=` count and the tasks it ran; and
   the same re-run over the podman connection plugin (`podman exec` and `podman cp` per
   step of a task) instead of the inventory's SSH through `podman exec sshd -i`, the
   peer the SSH connection is measured against;
3. the same re-run through `unibos-manager deploy --all --json`, and how long each of its
   JSON event lines took from the event's creation in Ansible's callback (`created`) to
   this script reading it: the manager's live view is updated within a second of each
   event when this stays under 1000 ms;
4. `unibos-dev build` in a fresh clone of the checkout: each target's bundle size and
   build seconds per arch, first with an empty unibos-dev wheel cache (`all`: every
   dependency resolved and built or fetched again; pip's own download cache stays as it
   is), then each target alone from the warm cache;
5. memory of each service once the stack is healthy (PostgreSQL counts in Patroni's
   unit): RSS summed over the unit's processes (what `ps` shows) and PSS (shared pages
   split between the forks of a prefork pool, the better estimate of what a Raspberry
   Pi must hold), and the sum of what a Pi node runs: its API, its sync agent and its
   own worker;
6. the air-gapped install of an arm64 node: a container of the arm64 base image under
   qemu-user with `--network none` (nothing but loopback), `playbooks/site.yml` with
   the node and its Redis from the arm64 node bundle (wheels and Debian packages; its
   size is the `bundle_mb_node_arm64` above), timed from the first play to the recap.
   The node is not enrolled (no hub): what is timed is the install.
7. the Pi node of 5 with the Pi Zero 2 W's profile: the node part of the dev host is
   deployed again with `node_device=pi-zero-2w` (one gunicorn worker with threads, the
   threads pool, MALLOC_ARENA_MAX=2: unibos_device_profiles of roles/unibos), and its
   three units measured on the host by bench/unit_usage.py: PSS, USS, the distinct
   pages they map (their PSS as if alone on the host, as on a Pi that runs nothing else)
   and their CPU over an idle minute; measured again once the node's worker has run a
   camera still, a thumbnail, OCR and a transcode (what a process allocated for a task
   it keeps); then it is deployed back as the desktop it is.

Ends with one line of name=value pairs. Usage: bench/deploy.py (from the repo root, as
`make bench` does).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from figures import percentile
from unibos_controller.bundles.builder import TARGETS
from unibos_controller.bundles.wheels import ARCHES
from unibos_controller.testbed.containers import booted
from unibos_controller.testbed.waiting import WaitTimeout, wait_until

ROOT = Path(__file__).resolve().parent.parent
HOST = "unibos-dev"
SERVICES = {
    "etcd": "etcd.service",
    "patroni": "patroni.service",
    "haproxy": "haproxy.service",
    "redis": "redis-server.service",
    "sentinel": "redis-sentinel.service",
    "hub": "unibos-hub.service",
    "beat": "unibos-beat.service",
    "flower": "unibos-flower.service",
    "node": "unibos-node.service",
    "sync": "unibos-sync.service",
    "node_worker": "unibos-node-worker.service",
    "worker_core": "unibos-worker@core.service",
    "worker_ocr": "unibos-worker@ocr.service",
    "worker_media": "unibos-worker@media.service",
}
# The peer of the re-run: the connection plugin the containers were reached by before.
PODMAN_CONNECTION = "containers.podman.podman"
# Raspberry Pi Zero 2 W: 512 MB for the OS and everything a node runs.
PI_ZERO_MB = 512
# What a Pi node runs (inventories/production.example): no hub, no hub workers.
PI_NODE_SERVICES = ("node", "sync", "node_worker")
# The arm64 container of the air-gapped install, and its image (make image-arm64).
PI_HOST = "bench-pi"
PI_IMAGE = "localhost/unibos-base:bookworm-arm64"
# The scenario of the same node, whose inventory the air-gapped install takes.
PI_SCENARIO = ROOT / "molecule" / "pi" / "molecule.yml"
# The Pi Zero 2 W's goal for those three units together, MB of PSS (issue 15).
PI_ZERO_GOAL_MB = 150
# The node's data dir on the dev host, where its tasks read and write.
NODE_DATA_DIR = "/var/lib/unibos/node/data"
# The idle window over which the Pi Zero node's CPU time is read.
IDLE_WINDOW_S = 60


def run(*cmd: str) -> str:
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"bench/deploy: {' '.join(cmd)} failed:\n{done.stdout[-3000:]}{done.stderr}")
    return done.stdout


def timed(*cmd: str) -> tuple[float, str]:
    start = time.monotonic()
    out = run(*cmd)
    return time.monotonic() - start, out


def manager_rerun() -> tuple[float, list[dict], list[float]]:
    """`unibos-manager deploy --all --json`: seconds, its recap, and per event line the
    milliseconds from the event's creation to this process reading the line."""
    latencies = []
    recap = []
    start = time.monotonic()
    with subprocess.Popen(
        ["unibos-manager", "-i", "inventories/dev", "deploy", "--all", "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    ) as manager:
        for line in manager.stdout:
            read_at = datetime.datetime.now(datetime.UTC)
            record = json.loads(line)
            if "recap" in record:
                recap = record["recap"]
            elif record.get("created"):
                # ansible-runner stamps events with naive UTC times.
                created = datetime.datetime.fromisoformat(record["created"])
                created = created.replace(tzinfo=created.tzinfo or datetime.UTC)
                latencies.append((read_at - created).total_seconds() * 1000)
    seconds = time.monotonic() - start
    if manager.returncode != 0:
        sys.exit(f"bench/deploy: unibos-manager deploy exited {manager.returncode}")
    return seconds, recap, latencies


def bundle_builds() -> dict[str, float]:
    """Build seconds and sizes of every bundle, per arch: cold cache (all), warm (each)."""
    figures = {}
    with tempfile.TemporaryDirectory(prefix="bench-bundles-") as scratch:
        clone = Path(scratch) / "unibos"
        run("git", "clone", "-q", str(ROOT), str(clone))
        env = {**os.environ, "UNIBOS_DEV_CACHE": str(Path(scratch) / "cache")}

        def build(target: str, arch: str) -> float:
            start = time.monotonic()
            done = subprocess.run(
                ["unibos-dev", "build", target, "--arch", arch],
                cwd=clone, env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                sys.exit(f"bench/deploy: unibos-dev build {target} --arch {arch}:\n{done.stderr}")
            return time.monotonic() - start

        for arch in ARCHES:
            figures[f"build_s_all_cold_{arch}"] = build("all", arch)
            for target in TARGETS:
                # A bundle of this commit is kept: remove it so that it is built again.
                for bundle in (clone / "build" / target).glob(f"*-{arch}.tar.gz"):
                    bundle.unlink()
                figures[f"build_s_{target}_{arch}"] = build(target, arch)
                (bundle,) = (clone / "build" / target).glob(f"*-{arch}.tar.gz")
                figures[f"bundle_mb_{target}_{arch}"] = bundle.stat().st_size / 1e6
    return figures


def arm64_airgap_install() -> tuple[float, str]:
    """Seconds of site.yml installing an arm64 node from its bundle onto a container with
    no network, and the recap."""
    run("make", "image-arm64")
    built = run("unibos-dev", "build", "node", "--arch", "arm64")
    bundle = ROOT / re.findall(r"(?:built|up to date): (\S+)", built)[0]
    subprocess.run(["podman", "rm", "-f", "-t", "0", PI_HOST], capture_output=True, check=False)
    run("podman", "run", "-d", "--name", PI_HOST, "--hostname", PI_HOST, "--arch", "arm64",
        "--network", "none", "--privileged", "--systemd=always",
        "--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096",
        PI_IMAGE, "/sbin/init")  # fmt: skip
    try:
        wait_until(lambda: booted(PI_HOST), 300, f"systemd in {PI_HOST} up", interval=3)
        inventory = pi_inventory(bundle)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
            json.dump(inventory, file)
        try:
            return timed("ansible-playbook", "-i", file.name, "playbooks/site.yml")
        finally:
            os.unlink(file.name)
    finally:
        subprocess.run(["podman", "rm", "-f", "-t", "0", PI_HOST], capture_output=True, check=False)


def pi_inventory(bundle: Path) -> dict:
    """The pi scenario's inventory for the bench's container: its group variables say,
    once, what a node under qemu-user needs (Redis's kernel checks and user namespaces,
    the emulated API's start-up time, the Pi 4's profile); the bench's own are the
    bundle, and no hub, as the node is not enrolled."""
    scenario = yaml.safe_load(PI_SCENARIO.read_text())
    group_vars = scenario["provisioner"]["inventory"]["group_vars"]
    connection = scenario["provisioner"]["connection_options"]
    # The scenario's hub (hub.py), the organization the node enrols in there and the
    # bundle its prepare built are not the bench's: its node is never enrolled.
    scenario_only = {"app_bundle", "pi_hub", "node_enrolment_token", "node_organization"}

    def own(variables: dict) -> dict:
        return {name: value for name, value in variables.items() if name not in scenario_only}

    return {
        "all": {
            "hosts": {PI_HOST: None},
            "vars": {**connection, **own(group_vars["all"]), "app_bundle": str(bundle)},
            "children": {
                group: {"hosts": {PI_HOST: None}, "vars": own(group_vars[group])}
                for group in ("redis", "node")
            },
        }
    }


def recap_count(recap: str, field: str) -> int:
    """The `field=` count (ok, changed, ...) of the last PLAY RECAP, over its hosts."""
    summary = recap.rsplit("PLAY RECAP", maxsplit=1)[-1]
    return sum(int(n) for n in re.findall(rf"\b{field}=(\d+)", summary))


def in_host(script: str) -> str:
    return run("podman", "exec", HOST, "bash", "-c", script)


def wait_healthy(timeout: float = 180) -> None:
    probe = "python3 -c \"import urllib.request as u; u.urlopen('http://127.0.0.1:{}/api/health')\""

    def both_healthy() -> bool:
        return all(
            subprocess.run(
                ["podman", "exec", HOST, "bash", "-c", probe.format(port)],
                capture_output=True,
                check=False,
            ).returncode
            == 0
            for port in (8000, 8001)
        )

    try:
        wait_until(
            both_healthy, timeout, "hub and node both answering /api/health with 200", interval=2
        )
    except WaitTimeout as error:
        sys.exit(f"bench/deploy: {error}")


def unit_memory_mb(unit: str) -> tuple[float, float]:
    """RSS and PSS in MB summed over every process in the unit's control group."""
    script = f"""
cg=$(systemctl show -P ControlGroup {unit})
rss=0; pss=0
procs="/sys/fs/cgroup/systemd$cg/cgroup.procs /sys/fs/cgroup$cg/cgroup.procs"
for pid in $(cat $procs 2>/dev/null | sort -u); do
  r=$(awk '/^Rss:/ {{print $2}}' /proc/$pid/smaps_rollup 2>/dev/null || echo 0)
  p=$(awk '/^Pss:/ {{print $2}}' /proc/$pid/smaps_rollup 2>/dev/null || echo 0)
  rss=$((rss + ${{r:-0}})); pss=$((pss + ${{p:-0}}))
done
echo $rss $pss
"""
    rss_kb, pss_kb = (int(v) for v in in_host(script).split())
    return rss_kb / 1024, pss_kb / 1024


def pi_zero_node() -> tuple[dict, dict]:
    """The node part of the dev host deployed as on a Pi Zero 2 W, measured over an idle
    minute by bench/unit_usage.py on the host: fresh, and again once its own worker has
    run its heavy tasks (a process keeps what they allocated); then deployed back as a
    desktop."""
    # The whole playbook (only the node's units change): `--tags node` stops at common's
    # operating system variables, as no play of it gathers facts.
    playbook = ("ansible-playbook", "-i", "inventories/dev", "playbooks/site.yml")
    run(*playbook, "-e", "node_device=pi-zero-2w")
    try:
        wait_healthy()
        time.sleep(10)  # as for the other figures: past the first requests
        fresh = pi_zero_usage()
        run_heavy_node_tasks()
        return fresh, pi_zero_usage()
    finally:
        run(*playbook)


def pi_zero_usage() -> dict:
    """bench/unit_usage.py over the node's units on the host, an idle minute long."""
    units = [SERVICES[name] for name in PI_NODE_SERVICES]
    script = (Path(__file__).parent / "unit_usage.py").read_text()
    done = subprocess.run(
        ["podman", "exec", "-i", HOST, "python3", "-", str(IDLE_WINDOW_S), *units],
        input=script, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"bench/deploy: unit_usage.py on {HOST} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def run_heavy_node_tasks() -> None:
    """A camera still, a thumbnail, OCR and a transcode on the node's own worker, from a
    recording in its data dir: what a Pi Zero 2 W node may run (core, and what a rule
    keeps local)."""
    in_host(
        "ffmpeg -v error -y -f lavfi -i testsrc=duration=3:size=320x240:rate=10 "
        f"-c:v mpeg4 {NODE_DATA_DIR}/bench.mkv"
    )
    still = node_call("cctv.snapshot", path="bench.mkv", at_seconds=1.5)["path"]
    node_call("media.thumbnail", path=still, width=64, height=64)
    node_call("ocr.extract_text", path=still)
    node_call("media.transcode", path="bench.mkv")


def node_call(task: str, **kwargs: object) -> dict:
    """The result of `unibos call TASK` on the node, which runs it on the node's worker."""
    arguments = shlex.quote(json.dumps(kwargs))
    record = json.loads(
        in_host(f"/usr/local/sbin/unibos call {task} --kwargs {arguments} --timeout 120")
    )
    if record.get("state") != "SUCCESS":
        sys.exit(f"bench/deploy: {task} on the node's worker did not succeed: {record}")
    return record["result"]


def sum_of(usage: dict, figure: str) -> float:
    """A figure of unit_usage.py summed over the units."""
    return sum(unit[figure] for unit in usage["units"].values())


def print_pi_zero_usage(moment: str, usage: dict) -> None:
    print(f"a Pi node with the pi-zero-2w profile, {moment}, {IDLE_WINDOW_S} s idle:")
    print(f"{'unit':<28}{'procs':>6}{'RSS MB':>9}{'PSS MB':>9}{'USS MB':>9}")
    for unit, figures in usage["units"].items():
        print(
            f"{unit:<28}{figures['processes']:>6}{figures['rss_mb']:>9.1f}"
            f"{figures['pss_mb']:>9.1f}{figures['uss_mb']:>9.1f}"
        )
    print(
        f"together: {usage['alone_mb']:.1f} MB as if alone on the host (PSS on this colocated "
        f"host {sum_of(usage, 'pss_mb'):.1f}, USS {sum_of(usage, 'uss_mb'):.1f}); goal "
        f"{PI_ZERO_GOAL_MB} MB: {usage['alone_mb'] / PI_ZERO_GOAL_MB:.2f}x; idle CPU "
        f"{usage['cpu_pct']:.2f} % of one core"
    )


def main() -> None:
    run("make", "setup", "image", "wheelhouse")
    run("scripts/dev-host", "remove")
    up_s, _ = timed("make", "up")
    playbook = ("ansible-playbook", "-i", "inventories/dev", "playbooks/site.yml")
    rerun_s, recap = timed(*playbook)
    rerun_changed, rerun_tasks = recap_count(recap, "changed"), recap_count(recap, "ok")
    podman_s, podman_recap = timed(*playbook, "-e", f"ansible_connection={PODMAN_CONNECTION}")
    print(f"make up from a bare image: {up_s:.1f} s")
    print(
        f"idempotent re-run:         {rerun_s:.1f} s, changed={rerun_changed}, "
        f"{rerun_tasks} tasks, {rerun_s / rerun_tasks:.3f} s per task"
    )
    print(
        f"the same over {PODMAN_CONNECTION}: {podman_s:.1f} s, "
        f"changed={recap_count(podman_recap, 'changed')} ({podman_s / rerun_s:.1f}x the SSH re-run)"
    )
    manager_s, manager_recap, latencies = manager_rerun()
    manager_changed = sum(row["changed"] for row in manager_recap)
    event_p99_ms = percentile(latencies, 0.99)
    print(
        f"the same through unibos-manager: {manager_s:.1f} s, changed={manager_changed} "
        f"({manager_s / rerun_s:.2f}x ansible-playbook); event to line over "
        f"{len(latencies)} events: p50 {percentile(latencies, 0.5):.0f} ms, "
        f"p99 {event_p99_ms:.0f} ms, max {max(latencies):.0f} ms (goal: under 1000 ms)"
    )
    builds = bundle_builds()
    cold = ", ".join(f"{arch} {builds['build_s_all_cold_' + arch]:.0f} s" for arch in ARCHES)
    print(f"{'bundle':<14}{'arch':>6}{'MB':>8}{'build s':>9}   (warm cache; all, cold: {cold})")
    for arch in ARCHES:
        for target in TARGETS:
            print(
                f"{target:<14}{arch:>6}{builds[f'bundle_mb_{target}_{arch}']:>8.1f}"
                f"{builds[f'build_s_{target}_{arch}']:>9.1f}"
            )

    wait_healthy()
    time.sleep(10)  # let the workers' pools and gunicorn settle after their first requests
    memory = {name: unit_memory_mb(unit) for name, unit in SERVICES.items()}
    print(f"{'service':<14}{'RSS MB':>9}{'PSS MB':>9}")
    for name, (rss, pss) in memory.items():
        print(f"{name:<14}{rss:>9.1f}{pss:>9.1f}")
    total_pss = sum(pss for _, pss in memory.values())
    print(f"the whole colocated host (PSS): {total_pss:.1f} MB")
    pi_pss = sum(memory[name][1] for name in PI_NODE_SERVICES)
    print(
        f"a Pi node ({' + '.join(PI_NODE_SERVICES)}, PSS): {pi_pss:.1f} MB of a "
        f"{PI_ZERO_MB} MB Pi Zero 2 W ({100 * pi_pss / PI_ZERO_MB:.0f} %)"
    )

    airgap_s, airgap_recap = arm64_airgap_install()
    print(
        f"air-gapped install of an arm64 node (qemu-user, --network none, bundle "
        f"{builds['bundle_mb_node_arm64']:.1f} MB): {airgap_s:.1f} s, "
        f"{recap_count(airgap_recap, 'changed')} changed"
    )

    zero, zero_after = pi_zero_node()
    for moment, usage in (("fresh", zero), ("after its heavy tasks", zero_after)):
        print_pi_zero_usage(moment, usage)

    pairs = {
        "up_s": f"{up_s:.1f}",
        "rerun_s": f"{rerun_s:.1f}",
        "rerun_changed": str(rerun_changed),
        "rerun_tasks": str(rerun_tasks),
        "rerun_podman_s": f"{podman_s:.1f}",
        "rerun_podman_ratio": f"{podman_s / rerun_s:.2f}",
        "manager_rerun_s": f"{manager_s:.1f}",
        "manager_rerun_changed": str(manager_changed),
        "manager_rerun_ratio": f"{manager_s / rerun_s:.2f}",
        "event_to_line_p99_ms": f"{event_p99_ms:.0f}",
        **{name: f"{value:.1f}" for name, value in builds.items()},
        **{f"rss_mb_{name}": f"{rss:.1f}" for name, (rss, _) in memory.items()},
        "pss_mb_pi_node": f"{pi_pss:.1f}",
        "pss_mb_host": f"{total_pss:.1f}",
        "arm64_airgap_install_s": f"{airgap_s:.1f}",
        "pss_mb_pi_zero": f"{zero['alone_mb']:.1f}",
        "pss_mb_pi_zero_colocated": f"{sum_of(zero, 'pss_mb'):.1f}",
        "uss_mb_pi_zero": f"{sum_of(zero, 'uss_mb'):.1f}",
        "pi_zero_goal_ratio": f"{zero['alone_mb'] / PI_ZERO_GOAL_MB:.2f}",
        "idle_cpu_pct_pi_zero": f"{zero['cpu_pct']:.2f}",
        "pss_mb_pi_zero_after_tasks": f"{zero_after['alone_mb']:.1f}",
        "pi_zero_goal_ratio_after_tasks": f"{zero_after['alone_mb'] / PI_ZERO_GOAL_MB:.2f}",
    }
    print(" ".join(f"{k}={v}" for k, v in pairs.items()))


if __name__ == "__main__":
    main()
