"""Per-task routing rules: pure data, and their validation (docs/architecture.md).

The inventory's `UNIBOS_TASK_RULES` come before `DEFAULT_RULES`, and the first rule
whose pattern matches a task name wins, so an inventory can narrow one task without
restating the defaults.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from fnmatch import fnmatchcase
from typing import Any

from django.conf import settings

from unibos.queues import GPU_QUEUE_BY_QUEUE, QUEUES

PREFER = ("gpu",)
LOCALITIES = ("any", "local", "hub")
PRIVACIES = ("node",)
SETTING = "UNIBOS_TASK_RULES"


class RuleError(ValueError):
    """A rule that cannot be routed by; the message names `UNIBOS_TASK_RULES[i].<key>`."""


@dataclass(frozen=True)
class TaskRule:
    pattern: str
    queue: str
    prefer: str | None = None
    locality: str = "any"
    max_size_mb: int | None = None
    privacy: str | None = None
    # Where the rule was written (`UNIBOS_TASK_RULES[2]`), so a refusal can name it.
    source: str = field(default="", compare=False)

    def matches(self, task_name: str) -> bool:
        return fnmatchcase(task_name, self.pattern)

    def describe(self) -> str:
        return f"rule {self.pattern!r} ({self.source})"


def _defaults() -> tuple[TaskRule, ...]:
    rules = (
        TaskRule("core.*", "default"),
        TaskRule("ocr.*", "ocr", prefer="gpu"),
        TaskRule("media.*", "media", prefer="gpu"),
        # Camera footage stays on the site that recorded it.
        TaskRule("cctv.*", "media", locality="local", privacy="node"),
    )
    return tuple(
        TaskRule(**{**_values(rule), "source": f"DEFAULT_RULES[{index}]"})
        for index, rule in enumerate(rules)
    )


def _values(rule: TaskRule) -> dict[str, Any]:
    return {f.name: getattr(rule, f.name) for f in fields(rule)}


DEFAULT_RULES = _defaults()
# Celery's own tasks (celery.chord_unlock, celery.backend_cleanup) match no pattern.
FALLBACK = TaskRule("*", "default", source="fallback")

_KEYS = tuple(f.name for f in fields(TaskRule) if f.name != "source")


def parse(entries: Any, setting: str = SETTING) -> tuple[TaskRule, ...]:
    """The rules in `entries` (decoded JSON); RuleError names the entry and key at fault."""
    if not isinstance(entries, list):
        raise RuleError(f"{setting} must be a JSON list of rule objects")
    return tuple(_parse_one(entry, f"{setting}[{index}]") for index, entry in enumerate(entries))


def _parse_one(entry: Any, where: str) -> TaskRule:
    if not isinstance(entry, dict):
        raise RuleError(f"{where} must be an object with keys {', '.join(_KEYS)}")
    unknown = sorted(set(entry) - set(_KEYS))
    if unknown:
        raise RuleError(f"{where}.{unknown[0]} is not a rule key (keys: {', '.join(_KEYS)})")
    for required in ("pattern", "queue"):
        if not isinstance(entry.get(required), str) or not entry[required].strip():
            raise RuleError(f"{where}.{required} must be a non-empty string")
    rule = TaskRule(**entry, source=where)
    if rule.queue not in QUEUES:
        raise RuleError(f"{where}.queue must be one of {', '.join(QUEUES)}, not {rule.queue!r}")
    _check_choice(where, "prefer", rule.prefer, PREFER, optional=True)
    _check_choice(where, "locality", rule.locality, LOCALITIES, optional=False)
    _check_choice(where, "privacy", rule.privacy, PRIVACIES, optional=True)
    if rule.prefer == "gpu" and rule.queue not in GPU_QUEUE_BY_QUEUE:
        raise RuleError(
            f"{where}.prefer is 'gpu' but queue {rule.queue!r} has no GPU queue "
            f"(only {', '.join(GPU_QUEUE_BY_QUEUE)} do)"
        )
    size = rule.max_size_mb
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
        raise RuleError(f"{where}.max_size_mb must be a whole number of at least 1, not {size!r}")
    if rule.privacy == "node" and rule.locality == "hub":
        raise RuleError(f"{where}.locality is 'hub' but privacy 'node' keeps the task off hubs")
    return rule


def _check_choice(
    where: str, key: str, value: Any, choices: Sequence[str], *, optional: bool
) -> None:
    if value is None and optional:
        return
    if value not in choices:
        allowed = ", ".join(map(repr, choices)) + (" or null" if optional else "")
        raise RuleError(f"{where}.{key} must be {allowed}, not {value!r}")


class _Parsed:
    """The parsed rules and the settings value they came from: parsing runs once per
    value, not once per publish, and a test's override_settings brings a new value."""

    def __init__(self) -> None:
        self.source: object = None
        self.rules = DEFAULT_RULES

    def get(self) -> tuple[TaskRule, ...]:
        source = settings.UNIBOS_TASK_RULES
        if self.source is not source:
            # Rules before source: a concurrent reader that sees the new source finds
            # its rules already in place.
            self.rules = parse(source) + DEFAULT_RULES
            self.source = source
        return self.rules


_parsed = _Parsed()


def active_rules() -> tuple[TaskRule, ...]:
    """UNIBOS_TASK_RULES, then DEFAULT_RULES; RuleError if the setting is malformed."""
    return _parsed.get()


def rule_for(task_name: str) -> TaskRule:
    for rule in active_rules():
        if rule.matches(task_name):
            return rule
    return FALLBACK
