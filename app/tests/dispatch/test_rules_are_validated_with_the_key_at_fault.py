"""A bad routing rule from the inventory is reported with its index and key, by
`rules.parse` and by system check unibos.E020, which every service runs at start."""

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from unibos import environment
from unibos.dispatch.rules import RuleError, parse

GOOD = {"pattern": "ocr.*", "queue": "ocr"}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("ocr.*", "UNIBOS_TASK_RULES[1] must be an object with keys pattern, queue"),
        ({**GOOD, "gpu": True}, "UNIBOS_TASK_RULES[1].gpu is not a rule key"),
        ({"queue": "ocr"}, "UNIBOS_TASK_RULES[1].pattern must be a non-empty string"),
        ({"pattern": "ocr.*", "queue": " "}, "UNIBOS_TASK_RULES[1].queue must be a non-empty"),
        ({**GOOD, "queue": "gpu"}, "UNIBOS_TASK_RULES[1].queue must be one of default, ocr, "),
        ({**GOOD, "prefer": "tpu"}, "UNIBOS_TASK_RULES[1].prefer must be 'gpu' or null, not"),
        ({**GOOD, "locality": "moon"}, "UNIBOS_TASK_RULES[1].locality must be 'any', 'local'"),
        ({**GOOD, "privacy": "org"}, "UNIBOS_TASK_RULES[1].privacy must be 'node' or null"),
        ({**GOOD, "max_size_mb": 0}, "UNIBOS_TASK_RULES[1].max_size_mb must be a whole number"),
        ({**GOOD, "max_size_mb": "5"}, "UNIBOS_TASK_RULES[1].max_size_mb must be a whole number"),
        ({**GOOD, "max_size_mb": True}, "UNIBOS_TASK_RULES[1].max_size_mb must be a whole"),
        (
            {"pattern": "core.*", "queue": "default", "prefer": "gpu"},
            "UNIBOS_TASK_RULES[1].prefer is 'gpu' but queue 'default' has no GPU queue",
        ),
        (
            {**GOOD, "privacy": "node", "locality": "hub"},
            "UNIBOS_TASK_RULES[1].locality is 'hub' but privacy 'node' keeps the task off hubs",
        ),
    ],
)
def test_a_bad_rule_names_its_index_and_key(rule, message):
    with pytest.raises(RuleError) as error:
        parse([GOOD, rule])

    assert str(error.value).startswith(message)


def test_rules_must_be_a_list():
    with pytest.raises(RuleError, match=r"^UNIBOS_TASK_RULES must be a JSON list"):
        parse({"pattern": "ocr.*", "queue": "ocr"})


def test_every_key_of_a_good_rule_is_kept():
    [rule] = parse(
        [
            {
                "pattern": "cctv.*",
                "queue": "media",
                "prefer": "gpu",
                "locality": "local",
                "max_size_mb": 500,
                "privacy": "node",
            }
        ]
    )

    assert (rule.pattern, rule.queue, rule.prefer, rule.locality) == (
        "cctv.*",
        "media",
        "gpu",
        "local",
    )
    assert (rule.max_size_mb, rule.privacy, rule.source) == (500, "node", "UNIBOS_TASK_RULES[0]")


def errors(**overrides: object) -> list[str]:
    with override_settings(**overrides):
        return [message.msg for message in checks.run_checks() if message.id == "unibos.E020"]


def test_check_e020_reports_a_bad_rule():
    assert errors(UNIBOS_TASK_RULES=[GOOD, {**GOOD, "queue": "video"}]) == [
        "UNIBOS_TASK_RULES[1].queue must be one of default, ocr, media, not 'video'"
    ]


def test_check_e020_reports_a_node_id_that_is_not_an_enrolment_id():
    [message] = errors(UNIBOS_NODE_ID="kitchen")

    assert message.startswith("UNIBOS_NODE_ID is 'kitchen'; it must be the node's enrolment id")


def test_the_session_settings_pass_e020():
    assert errors() == []


def test_rules_that_are_not_json_fail_naming_the_variable(monkeypatch):
    monkeypatch.setenv("UNIBOS_TASK_RULES", "[{pattern: ocr.*}]")

    with pytest.raises(ImproperlyConfigured, match=r"^UNIBOS_TASK_RULES must be JSON: "):
        environment.json_value("UNIBOS_TASK_RULES", [])
