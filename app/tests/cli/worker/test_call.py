import json

from click.testing import CliRunner
from unibos.celery import app
from unibos.cli.worker import cli


def test_call_prints_the_result_with_the_worker_and_queue(worker):
    result = CliRunner().invoke(cli, ["call", "core.cleanup", "--kwargs", '{"max_age_days": 3650}'])

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) == {"task_id", "state", "worker", "queue", "result"}
    assert document["state"] == "SUCCESS"
    assert document["worker"] == worker["name"]
    assert document["queue"] == "default"
    assert document["result"]["max_age_days"] == 3650


def test_call_exits_1_printing_the_error_of_a_failed_task(worker):
    kwargs = json.dumps({"path": "/etc/passwd", "width": 10})

    result = CliRunner().invoke(cli, ["call", "media.resize", "--kwargs", kwargs])

    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["state"] == "FAILURE"
    assert document["queue"] == "media"
    assert "is outside UNIBOS_DATA_DIR" in document["error"]
    assert "error: media.resize failed: ValueError: path '/etc/passwd'" in result.stderr


def test_call_refuses_kwargs_that_are_not_json():
    result = CliRunner().invoke(cli, ["call", "core.cleanup", "--kwargs", "{max_age_days: 1}"])

    assert result.exit_code == 2
    assert "Invalid value for '--kwargs': not valid JSON" in result.stderr


def test_call_refuses_kwargs_that_are_not_an_object():
    result = CliRunner().invoke(cli, ["call", "core.cleanup", "--kwargs", "[1]"])

    assert result.exit_code == 2
    assert "'--kwargs': must be a JSON object" in result.stderr


def test_call_refuses_an_unknown_task():
    result = CliRunner().invoke(cli, ["call", "core.reboot"])

    assert result.exit_code == 2
    assert (
        "unknown task; known: cctv.snapshot, core.cleanup, core.drill, core.health_check, core.noop"
        in result.stderr
    )


def test_call_gives_up_after_the_timeout(worker):
    # Celery's remote control stops the worker consuming ocr, so the task stays queued.
    app.control.cancel_consumer("ocr", destination=[worker["name"]], reply=True)
    try:
        result = CliRunner().invoke(
            cli, ["call", "ocr.extract_text", "--kwargs", '{"path": "x.png"}', "--timeout", "0.5"]
        )
    finally:
        app.control.add_consumer("ocr", destination=[worker["name"]], reply=True)

    assert result.exit_code == 1
    assert "did not finish within 0.5 s" in result.stderr
