"""The health monitor: the worker registry with offline workers kept, queue lengths,
task rates, failures and run times, and the alerts they raise.

`observe` runs every UNIBOS_MONITOR_INTERVAL (task `dispatch.monitor`, scheduled by
beat on the hub) and keeps its state in the broker's Redis, which the hub API reads:

- `unibos:workers:known`: every worker ever seen, `online` while its registry key
  (unibos.core.registry) lives, `offline` once it expired (three missed heartbeats);
- `unibos:alerts:open`: the problems now (a worker gone, a queue backed up, a queue
  with work and no worker); `unibos:alerts`: the latest raise and clear events;
- `unibos:monitor:snapshot`: the last observation, with rates since the one before.

Each raise is a WARNING log line and each clear an INFO one, once per transition.
"""

import json
import logging
from dataclasses import asdict
from datetime import datetime
from typing import Any

import redis

from unibos.core import registry
from unibos.core.broker import queue_lengths
from unibos.dispatch import stats

logger = logging.getLogger(__name__)

KNOWN_KEY = "unibos:workers:known"
OPEN_KEY = "unibos:alerts:open"
EVENTS_KEY = "unibos:alerts"
SNAPSHOT_KEY = "unibos:monitor:snapshot"
MAX_EVENTS = 1000

Entry = dict[str, Any]


class Alerts:
    """The open alerts as read at the start of an observation, and its changes."""

    def __init__(self, client: redis.Redis, now: str) -> None:
        self.open: dict[str, Entry] = {
            subject: json.loads(value) for subject, value in client.hgetall(OPEN_KEY).items()
        }
        self.now = now
        self.events: list[Entry] = []

    def raise_(self, kind: str, subject: str, detail: str) -> None:
        if subject in self.open:
            return
        alert = {"kind": kind, "subject": subject, "detail": detail, "raised_at": self.now}
        self.open[subject] = alert
        self.events.append({**alert, "event": "raised", "at": self.now})
        logger.warning("alert %s: %s", kind, detail)

    def clear(self, subject: str, detail: str) -> None:
        alert = self.open.pop(subject, None)
        if alert is None:
            return
        self.events.append({**alert, "event": "cleared", "at": self.now, "detail": detail})
        logger.info("alert %s cleared: %s", alert["kind"], detail)


def observe(client: redis.Redis, queues: list[str], backlog: int, now: datetime) -> dict[str, Any]:
    """One observation; `queues` are the ones watched even with no worker for them."""
    stamp = now.isoformat(timespec="seconds")
    alerts = Alerts(client, stamp)
    live = {worker.name: worker for worker in registry.live_workers(client)}
    known = {name: json.loads(value) for name, value in client.hgetall(KNOWN_KEY).items()}
    workers = _workers(live, known, alerts, stamp)

    watched = sorted(set(queues).union(*(worker["queues"] for worker in workers.values())))
    lengths = queue_lengths(client, watched)
    counts = stats.counters(client, watched)
    consumers = registry.workers_by_queue(live.values(), watched)
    previous = json.loads(client.get(SNAPSHOT_KEY) or "{}")
    minutes = _minutes_since(previous.get("observed_at"), now)
    queue_report = {}
    for queue in watched:
        before = previous.get("queues", {}).get(queue)
        queue_report[queue] = _queue(
            lengths[queue], counts[queue], consumers[queue], before, minutes
        )
        _queue_alerts(alerts, queue, lengths[queue], consumers[queue], backlog)

    snapshot = {
        "observed_at": stamp,
        "workers": sorted(workers.values(), key=lambda worker: worker["name"]),
        "queues": queue_report,
        "open_alerts": sorted(alerts.open.values(), key=lambda alert: alert["raised_at"]),
    }
    with client.pipeline() as pipe:
        pipe.delete(KNOWN_KEY, OPEN_KEY)
        if workers:
            pipe.hset(KNOWN_KEY, mapping={name: json.dumps(w) for name, w in workers.items()})
        if alerts.open:
            pipe.hset(OPEN_KEY, mapping={s: json.dumps(a) for s, a in alerts.open.items()})
        for event in alerts.events:
            pipe.lpush(EVENTS_KEY, json.dumps(event))
        pipe.ltrim(EVENTS_KEY, 0, MAX_EVENTS - 1)
        pipe.set(SNAPSHOT_KEY, json.dumps(snapshot))
        pipe.execute()
    return snapshot


def _workers(
    live: dict[str, registry.WorkerRecord], known: dict[str, Entry], alerts: Alerts, now: str
) -> dict[str, Entry]:
    workers = {}
    for name, record in live.items():
        before = known.get(name, {})
        workers[name] = {
            **asdict(record),
            "state": "online",
            "first_seen_at": before.get("first_seen_at", now),
            "state_since": before.get("state_since", now)
            if before.get("state") == "online"
            else now,
        }
        alerts.clear(f"worker:{name}", f"worker {name} is back")
    for name, before in known.items():
        if name in live:
            continue
        workers[name] = before
        if before["state"] == "online":
            workers[name] = {**before, "state": "offline", "state_since": now}
            alerts.raise_(
                "worker_offline",
                f"worker:{name}",
                f"worker {name} (queues {', '.join(before['queues'])}) missed its "
                f"heartbeats; last seen {before['seen_at']}",
            )
    return workers


def _minutes_since(observed_at: str | None, now: datetime) -> float | None:
    if observed_at is None:
        return None
    elapsed = (now - datetime.fromisoformat(observed_at)).total_seconds() / 60
    return elapsed if elapsed > 0 else None


def _queue(
    length: int,
    counts: dict[str, float],
    consumers: list[str],
    before: Entry | None,
    minutes: float | None,
) -> Entry:
    done = counts.get("succeeded", 0) + counts.get("failed", 0)
    report = {
        "length": length,
        "workers": consumers,
        "succeeded": int(counts.get("succeeded", 0)),
        "failed": int(counts.get("failed", 0)),
        "retried": int(counts.get("retried", 0)),
        "runtime_avg_s": round(counts.get("runtime_s", 0) / done, 4) if done else None,
        "tasks_per_minute": None,
    }
    if before is not None and minutes is not None:
        done_before = before["succeeded"] + before["failed"]
        report["tasks_per_minute"] = round(max(0.0, done - done_before) / minutes, 2)
    return report


def _queue_alerts(
    alerts: Alerts, queue: str, length: int, consumers: list[str], backlog: int
) -> None:
    if length > backlog:
        alerts.raise_(
            "queue_backlog",
            f"backlog:{queue}",
            f"queue {queue} holds {length} tasks, more than UNIBOS_QUEUE_BACKLOG_ALERT ({backlog})",
        )
    else:
        alerts.clear(f"backlog:{queue}", f"queue {queue} is down to {length} tasks")
    if length and not consumers:
        alerts.raise_(
            "queue_unserved",
            f"unserved:{queue}",
            f"queue {queue} holds {length} tasks and no live worker consumes it",
        )
    else:
        alerts.clear(f"unserved:{queue}", f"queue {queue} is served or empty")
