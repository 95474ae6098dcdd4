import json


def test_health_check_records_broker_and_disk_under_the_last_check_key(call_task, worker, redis_db):
    result = call_task("core.health_check")

    assert result["status"] == "ok"
    assert result["worker"] == worker["name"]
    assert result["components"]["broker"]["status"] == "ok"
    assert result["components"]["disk"]["free_bytes"] > 0
    assert json.loads(redis_db.get("unibos:health:last_check")) == result
