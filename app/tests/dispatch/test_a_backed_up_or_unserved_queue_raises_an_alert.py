"""A queue holding more than UNIBOS_QUEUE_BACKLOG_ALERT tasks, or tasks with no live
worker for them, is an open alert until it drains; kombu's priority lists count too."""

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from kombu import Connection
from unibos.dispatch import monitor

DB = 12
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_a_backlog_with_no_worker_raises_both_alerts_and_draining_clears_them(redis_server):
    client = redis_server.client(db=DB)
    client.flushdb()
    url = f"redis://:{quote(redis_server.password, safe='')}@127.0.0.1:{redis_server.port}/{DB}"
    with Connection(url, transport_options={"queue_order_strategy": "priority"}) as connection:
        queue = connection.SimpleQueue("ocr")
        for priority in (0, 0, 5):
            queue.put({"page": 1}, priority=priority)

        backed_up = monitor.observe(client, ["ocr"], 2, NOW)
        queue.clear()
        drained = monitor.observe(client, ["ocr"], 2, NOW + timedelta(minutes=1))
        queue.close()

    assert backed_up["queues"]["ocr"]["length"] == 3
    assert sorted(alert["kind"] for alert in backed_up["open_alerts"]) == [
        "queue_backlog",
        "queue_unserved",
    ]
    backlog = next(a for a in backed_up["open_alerts"] if a["kind"] == "queue_backlog")
    assert backlog["detail"] == (
        "queue ocr holds 3 tasks, more than UNIBOS_QUEUE_BACKLOG_ALERT (2)"
    )
    assert drained["queues"]["ocr"]["length"] == 0
    assert drained["open_alerts"] == []
