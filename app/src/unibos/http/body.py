"""Reading a JSON request body: every 400 names the field at fault.

Unknown fields are refused too, so that a misspelt field is an error instead of a
silently ignored one.
"""

import json
import re
from collections.abc import Collection
from typing import Any

from django.http import HttpRequest

from unibos.http.errors import ApiError


def invalid(field: str, problem: str) -> ApiError:
    return ApiError(400, "invalid", f"{field}: {problem}", field=field)


class Body:
    def __init__(self, request: HttpRequest, fields: Collection[str]) -> None:
        try:
            document = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "invalid", "body: not valid JSON", field="body") from None
        if not isinstance(document, dict):
            raise ApiError(400, "invalid", "body: must be a JSON object", field="body")
        unknown = sorted(set(document) - set(fields))
        if unknown:
            raise invalid(unknown[0], f"unknown field; the fields are {', '.join(sorted(fields))}")
        self.document: dict[str, Any] = document

    def __contains__(self, field: str) -> bool:
        return field in self.document

    def string(self, field: str, *, max_length: int) -> str:
        value = self.document.get(field)
        if not isinstance(value, str) or not value.strip():
            raise invalid(field, "required, a non-empty string")
        if len(value) > max_length:
            raise invalid(field, f"at most {max_length} characters")
        return value

    def optional_string(self, field: str, *, max_length: int) -> str | None:
        if self.document.get(field) is None:
            return None
        return self.string(field, max_length=max_length)

    def choice(self, field: str, choices: Collection[str]) -> str:
        value = self.document.get(field)
        if value not in choices:
            raise invalid(field, f"must be one of {', '.join(choices)}")
        return value

    def integer(self, field: str, *, default: int, minimum: int, maximum: int) -> int:
        value = self.document.get(field, default)
        # bool is an int to Python, not a number to a client.
        if not isinstance(value, int) or isinstance(value, bool):
            raise invalid(field, "must be an integer")
        if not minimum <= value <= maximum:
            raise invalid(field, f"must be between {minimum} and {maximum}")
        return value

    def strings(self, field: str, *, pattern: str, max_items: int) -> list[str]:
        value = self.document.get(field)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise invalid(field, "must be a list of strings")
        if len(value) > max_items:
            raise invalid(field, f"at most {max_items} items")
        bad = [item for item in value if not re.fullmatch(pattern, item)]
        if bad:
            raise invalid(field, f"{bad[0]!r} does not match {pattern}")
        return list(dict.fromkeys(value))
