#!/usr/bin/env python3
"""Measures task distribution: a no-op's round trip and throughput through the UNIBOS
path, beside a bare Celery app and a bare Redis round trip on the same Redis, and the
share of tasks completed while workers are killed.

Everything runs on this machine against a Redis the bench starts (with the test kit's
unibos_controller.testbed.servers).

- unibos: `unibos.dispatch.submit.submit("core.noop")` (the router, the rules, the
  registry view, UnibosTask's idempotency mark) to a `unibos-worker start --type core
  --concurrency 1`, result fetched with `.get()`.
- celery: a bare Celery app (bench/bare_celery.py: one task, default settings) and its
  worker with one pool process, on the same Redis server.
- redis: LPUSH a request, a responder process BRPOPs it and LPUSHes the answer, BRPOP
  the answer: the floor under any queue-based round trip.

Latency: one task at a time, p50 and p99. Throughput: a batch published at once, then
every result awaited, per worker process (concurrency 1).

Kills: `core.drill` tasks (each appends its id to a Redis list, once) while the
worker is killed with SIGKILL, alternately the whole worker and one pool child, and
started again; then every task id must be in the list exactly once.

Ends with one line of name=value pairs.
Usage: bench/tasks.py [--round-trips N] [--batch N] [--kill-tasks N]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from figures import closing_line, percentile
from unibos_controller.testbed.servers import Redis, free_port
from unibos_controller.testbed.workers import WorkerProcess, node_name

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent

# The design's ask for a task's round trip.
DESIGN_ROUND_TRIP_MS = 500
BARE_QUEUE = "bare"
ECHO_REQUESTS, ECHO_ANSWERS = "bench:echo:requests", "bench:echo:answers"


def worker_environment(redis_server: Redis, base: Path, **extra: str) -> dict[str, str]:
    secret = base / "redis_password"
    secret.write_text(redis_server.password + "\n")
    (base / "data").mkdir(exist_ok=True)
    return {
        **os.environ,
        "UNIBOS_DEPLOYMENT_TYPE": "worker",
        "DJANGO_SETTINGS_MODULE": "unibos.settings",
        "UNIBOS_REDIS_HOST": "127.0.0.1",
        "UNIBOS_REDIS_PORT": str(redis_server.port),
        "UNIBOS_REDIS_DB": "0",
        "UNIBOS_REDIS_PASSWORD_FILE": str(secret),
        "UNIBOS_DATA_DIR": str(base / "data"),
        "UNIBOS_LOG_LEVEL": "WARNING",
        "UNIBOS_WORKER_HEARTBEAT_INTERVAL": "1",
        "UNIBOS_WORKER_CONCURRENCY": "1",
        **extra,
    }


def round_trips(call: Callable[[], object], count: int) -> list[float]:
    """Each call's duration in milliseconds, one at a time, after a warm-up."""
    for _ in range(min(50, count)):
        call()
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def throughput(
    publish: Callable[[], object], wait: Callable[[object], object], count: int
) -> float:
    """Tasks per second: `count` published at once, then every one awaited."""
    started = time.perf_counter()
    handles = [publish() for _ in range(count)]
    for handle in handles:
        wait(handle)
    return count / (time.perf_counter() - started)


# The three paths.


class UnibosPath:
    def __init__(self) -> None:
        import django  # noqa: PLC0415

        django.setup()
        from unibos.dispatch.submit import submit  # noqa: PLC0415

        self.submit = submit

    def call(self) -> object:
        return self.submit("core.noop").get(timeout=30)

    def publish(self) -> object:
        return self.submit("core.noop")


class CeleryPath:
    def __init__(self, broker: str) -> None:
        os.environ["BARE_CELERY_BROKER"] = broker
        from bare_celery import app  # noqa: PLC0415

        self.app = app

    def call(self) -> object:
        return self.publish().get(timeout=30)

    def publish(self) -> object:
        return self.app.send_task("bare.noop", queue=BARE_QUEUE)


class RedisPath:
    def __init__(self, redis_server: Redis) -> None:
        self.client = redis_server.client(db=3)

    def call(self) -> object:
        self.client.lpush(ECHO_REQUESTS, b"x")
        return self.client.brpop([ECHO_ANSWERS], timeout=30)

    def publish(self) -> object:
        return self.client.lpush(ECHO_REQUESTS, b"x")

    def wait(self, _handle: object) -> object:
        return self.client.brpop([ECHO_ANSWERS], timeout=30)


def echo(port: int, password: str) -> None:
    """The bare Redis path's responder: answer every request, until killed."""
    import redis  # noqa: PLC0415

    client = redis.Redis(port=port, password=password, db=3)
    while True:
        client.brpop([ECHO_REQUESTS])
        client.lpush(ECHO_ANSWERS, b"x")


def bench_paths(redis_server: Redis, base: Path, trips: int, batch: int) -> dict[str, float]:
    environment = worker_environment(redis_server, base)
    os.environ.update({k: v for k, v in environment.items() if k.startswith(("UNIBOS_", "DJ"))})
    unibos_worker = WorkerProcess(["--type", "core"], environment, base / "unibos.log").start()
    bare_worker = subprocess.Popen(
        [
            str(BIN / "celery"), "-A", "bare_celery", "worker", "-Q", BARE_QUEUE,
            "-c", "1", "--pool", "prefork", "-n", "bare@%h", "--loglevel", "WARNING",
        ],
        cwd=BENCH,
        env={**environment, "BARE_CELERY_BROKER": broker_url(redis_server, 2)},
        stdout=(base / "bare.log").open("wb"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    responder = subprocess.Popen(
        [sys.executable, __file__, "--echo", str(redis_server.port)],
        env={**environment, "BENCH_REDIS_PASSWORD": redis_server.password},
    )
    try:
        unibos_worker.wait_registered(redis_server.client(), node_name("core"))
        paths = {
            "unibos": UnibosPath(),
            "celery": CeleryPath(broker_url(redis_server, 2)),
            "redis": RedisPath(redis_server),
        }
        latency = {name: round_trips(path.call, trips) for name, path in paths.items()}
        rates = {
            name: throughput(
                path.publish, getattr(path, "wait", lambda r: r.get(timeout=60)), batch
            )
            for name, path in paths.items()
        }
    finally:
        responder.kill()
        bare_worker.send_signal(signal.SIGTERM)
        bare_worker.wait(timeout=60)
        unibos_worker.stop()
    return report_paths(latency, rates, trips, batch)


def broker_url(redis_server: Redis, db: int) -> str:
    return f"redis://:{quote(redis_server.password, safe='')}@127.0.0.1:{redis_server.port}/{db}"


def report_paths(
    latency: dict[str, list[float]], rates: dict[str, float], trips: int, batch: int
) -> dict[str, float]:
    figures: dict[str, float] = {}
    floor = percentile(latency["redis"], 0.5)
    print(f"no-op round trip, {trips} one at a time (ms):")
    for name, samples in latency.items():
        p50, p99 = percentile(samples, 0.5), percentile(samples, 0.99)
        figures[f"{name}_p50_ms"], figures[f"{name}_p99_ms"] = p50, p99
        print(f"  {name:8} p50 {p50:7.3f}  p99 {p99:7.3f}  ({p50 / floor:5.1f}x the Redis floor)")
    unibos, celery = figures["unibos_p50_ms"], figures["celery_p50_ms"]
    print(
        f"  the UNIBOS path adds {unibos - celery:.3f} ms to bare Celery at p50 "
        f"({unibos / celery:.2f}x); design ask < {DESIGN_ROUND_TRIP_MS} ms, p99 is "
        f"{DESIGN_ROUND_TRIP_MS / figures['unibos_p99_ms']:.0f}x under it"
    )
    print(f"no-op throughput, {batch} published at once, one worker process (tasks/s):")
    for name, rate in rates.items():
        figures[f"{name}_tps"] = round(rate)
        print(f"  {name:8} {rate:9.0f}  ({rate / rates['celery']:.2f}x bare Celery)")
    return figures


# Kills.


def bench_kills(redis_server: Redis, base: Path, count: int, kills: int) -> str:
    """`count` drill tasks while the worker is killed `kills` times; completed/count."""
    from unibos.dispatch.submit import submit  # noqa: PLC0415

    environment = worker_environment(
        redis_server,
        base,
        UNIBOS_WORKER_CONCURRENCY="2",
        # A killed worker's tasks come back after the visibility timeout, which E021 keeps
        # above the time limit and the longest ETA: all three short for the bench.
        UNIBOS_TASK_TIME_LIMIT="4",
        UNIBOS_TASK_MAX_ETA="1",
        UNIBOS_TASK_VISIBILITY_TIMEOUT="8",
    )
    mark = f"bench-{time.time_ns()}"
    handles = [submit("core.drill", kwargs={"seconds": 0.05, "mark": mark}) for _ in range(count)]
    rng = random.Random(7)
    client = redis_server.client()
    for number in range(kills):
        worker = WorkerProcess(["--type", "core"], environment, base / f"kill-{number}.log").start()
        worker.wait_registered(client, node_name("core"))
        time.sleep(rng.uniform(0.5, 1.5))
        assert worker.process is not None
        if number % 2:
            children = pool_children(worker.process.pid)
            if children:
                os.kill(rng.choice(children), signal.SIGKILL)
                time.sleep(rng.uniform(0.3, 0.8))
        worker.process.kill()
        worker.process.wait()
    survivor = WorkerProcess(["--type", "core"], environment, base / "survivor.log").start()
    try:
        survivor.wait_registered(client, node_name("core"))
        succeeded = sum(1 for handle in handles if _succeeded(handle))
    finally:
        survivor.stop()
    ran = client.lrange(f"unibos:drill:{mark}", 0, -1)
    once = len(ran) == len(set(ran))
    completed = len({handle.id for handle in handles} & set(ran))
    print(
        f"\n{count} drill tasks, worker killed {kills} times (whole worker, or a pool child "
        f"then the worker): {succeeded} succeeded, {completed} side effects, "
        f"{'each once' if once else 'SOME TWICE'}"
    )
    return f"{completed if once else 0}/{count}"


def stop_result_listeners() -> None:
    """Close the result backends' subscriptions before Redis stops, or they retry it."""
    for module in ("unibos.celery", "bare_celery"):
        app = getattr(sys.modules.get(module), "app", None)
        consumer = getattr(getattr(app, "backend", None), "result_consumer", None)
        if consumer is not None:
            consumer.stop()


def pool_children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(line) for line in found.stdout.split()]


def _succeeded(handle: object) -> bool:
    try:
        handle.get(timeout=120)  # type: ignore[attr-defined]
    except Exception:  # a lost or failed task is what is counted here
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round-trips", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--kill-tasks", type=int, default=300)
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--echo", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.echo:
        echo(arguments.echo, os.environ["BENCH_REDIS_PASSWORD"])
        return

    base = Path(tempfile.mkdtemp(prefix="unibos-bench-tasks-"))
    redis_server = Redis(base / "redis", free_port())
    redis_server.start()
    try:
        figures: dict[str, object] = bench_paths(
            redis_server, base, arguments.round_trips, arguments.batch
        )
        figures["completed_under_kill"] = bench_kills(
            redis_server, base, arguments.kill_tasks, arguments.kills
        )
    finally:
        stop_result_listeners()
        redis_server.stop()
        shutil.rmtree(base, ignore_errors=True)
    order = [
        "unibos_p50_ms", "unibos_p99_ms", "celery_p50_ms", "celery_p99_ms", "redis_p50_ms",
        "redis_p99_ms", "unibos_tps", "celery_tps", "redis_tps", "completed_under_kill",
    ]  # fmt: skip
    print("\n" + closing_line(figures, order))


if __name__ == "__main__":
    main()
