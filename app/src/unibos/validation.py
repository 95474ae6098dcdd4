"""JSON Schema validation, compiled once per schema, whose errors name the field at fault.

Shared by the HTTP layer (request bodies, query and path parameters, from the schemas
that the OpenAPI document publishes) and by the sync batch format (unibos.sync.batch),
so it imports nothing of either. fastjsonschema turns a schema into a Python function:
a batch of 100,000 operations is checked in one call without an interpreted walk.
"""

from collections.abc import Callable
from typing import Any

import fastjsonschema

Schema = dict[str, Any]
Validator = Callable[[Any], Any]


class Violation(Exception):
    """`field` (`operations[3].kind`; `body`: the whole document) breaks a rule: `problem`."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(field, problem)
        self.field, self.problem = field or "body", problem

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}"


def compile_schema(schema: Schema) -> Validator:
    """A function that returns a valid document (defaults filled in) or raises Violation."""
    validate = fastjsonschema.compile(_python_patterns(schema))

    def checked(document: Any) -> Any:
        try:
            return validate(document)
        except fastjsonschema.JsonSchemaValueException as error:
            raise _violation(error) from None

    return checked


def _python_patterns(schema: Any) -> Any:
    """The schema with each `pattern` anchored the way JSON Schema (ECMA-262) means `$`.

    ECMA's `$` is the end of the string; Python's `$`, which fastjsonschema uses, also
    matches before a final newline, so `^ocr$` would accept "ocr\\n". `\\Z` is ECMA's `$`
    in Python. Only the compiled copy changes: the published document keeps ECMA syntax.
    """
    if isinstance(schema, list):
        return [_python_patterns(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    copy = {}
    for key, value in schema.items():
        if key == "pattern" and isinstance(value, str) and value.endswith("$"):
            copy[key] = value[:-1] + r"\Z"
        elif key == "properties" and isinstance(value, dict):
            # Property names are data, not schemas: "pattern" may be one of them.
            copy[key] = {name: _python_patterns(inner) for name, inner in value.items()}
        else:
            copy[key] = _python_patterns(value)
    return copy


def _violation(error: fastjsonschema.JsonSchemaValueException) -> Violation:
    # "data.operations[3].kind": the document is "data" to fastjsonschema.
    path = error.name.removeprefix("data").lstrip(".")
    rule, definition, value = error.rule, error.rule_definition, error.value
    # A rule over several fields says what is wrong in its `description`.
    explained = error.definition.get("description") if isinstance(error.definition, dict) else None
    # fastjsonschema's own sentence, "data.x must be ...", without the name it starts with.
    field, problem = path, error.message.removeprefix(error.name).strip()
    known = error.definition.get("properties", {}) if isinstance(error.definition, dict) else {}
    unknown = sorted(set(value) - set(known)) if known and isinstance(value, dict) else []
    if rule == "additionalProperties" or (
        # A missing field beside an unknown one is most likely that one misspelt.
        rule == "required" and unknown and error.definition.get("additionalProperties") is False
    ):
        field = _join(path, unknown[0])
        problem = f"unknown field; the fields are {', '.join(sorted(known))}"
    elif rule == "required":
        missing = next(name for name in definition if name not in value)
        field, problem = _join(path, missing), "required"
    elif rule == "not" and isinstance(definition, dict) and definition.get("required"):
        # `{"not": {"required": [x]}}`: x may not be given here (an if/else of the schema).
        field, problem = _join(path, definition["required"][0]), explained or "not allowed here"
    elif rule in ("anyOf", "oneOf") and explained:
        problem = explained
    elif rule == "enum":
        problem = f"must be one of {', '.join(map(str, definition))}"
    elif rule == "type":
        kinds = definition if isinstance(definition, list) else [definition]
        problem = f"must be {' or '.join(_article(kind) for kind in kinds)}"
    elif rule == "pattern":
        problem = f"must match {_ecma(definition)}"
    return Violation(field, problem)


def _ecma(pattern: str) -> str:
    """A compiled pattern as the document publishes it (see _python_patterns)."""
    return pattern[:-2] + "$" if pattern.endswith(r"\Z") else pattern


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _article(kind: str) -> str:
    return {"object": "an object", "array": "a list", "integer": "an integer", "null": "null"}.get(
        kind, f"a {kind}"
    )
