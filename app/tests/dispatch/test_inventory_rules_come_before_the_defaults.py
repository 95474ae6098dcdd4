"""The first rule whose pattern matches a task wins, the inventory's before the defaults."""

from django.test import override_settings
from unibos.dispatch.rules import rule_for


def test_the_defaults_route_by_the_task_names_module():
    assert (rule_for("core.cleanup").queue, rule_for("core.cleanup").prefer) == ("default", None)
    assert (rule_for("ocr.extract_text").queue, rule_for("ocr.extract_text").prefer) == (
        "ocr",
        "gpu",
    )
    assert (rule_for("media.transcode").queue, rule_for("media.transcode").prefer) == (
        "media",
        "gpu",
    )
    cctv = rule_for("cctv.record_clip")
    assert (cctv.queue, cctv.privacy, cctv.locality) == ("media", "node", "local")


def test_a_task_no_rule_names_goes_to_the_default_queue():
    assert rule_for("celery.chord_unlock").queue == "default"


def test_an_inventory_rule_narrows_one_task_and_leaves_its_siblings_alone():
    rules = [{"pattern": "media.transcode", "queue": "media", "max_size_mb": 100}]

    with override_settings(UNIBOS_TASK_RULES=rules):
        transcode, thumbnail = rule_for("media.transcode"), rule_for("media.thumbnail")

    assert (transcode.max_size_mb, transcode.prefer, transcode.source) == (
        100,
        None,
        "UNIBOS_TASK_RULES[0]",
    )
    assert (thumbnail.max_size_mb, thumbnail.prefer, thumbnail.source) == (
        None,
        "gpu",
        "DEFAULT_RULES[2]",
    )
