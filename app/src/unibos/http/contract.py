"""What a request may hold, checked against the very schemas the OpenAPI document shows.

`@openapi.operation(request=..., query=..., path=...)` compiles those schemas into a
Contract; `endpoint` runs it before the view, so a request the document forbids never
reaches a view and one it allows is never refused for its shape. A 400 names the field
at fault (`operations[3].kind: must be one of put, delete`) in `detail` and `field`.
What no schema can say (a unique name, another organization's object) stays with the
domain, and the operation documents the status it answers with.

Views read the checked request with `body(request)` and `query(request)`.
"""

import functools
import json
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from unibos.http.errors import ApiError, invalid
from unibos.validation import Schema, Violation, compile_schema

View = Callable[..., HttpResponse]
# The attribute of the view that openapi.operation records its operations in.
OPERATIONS = "openapi_operations"
_INTEGER = re.compile(r"-?[0-9]+")


class Contract:
    """The checks of one operation: its JSON body, its query and its path parameters."""

    def __init__(
        self,
        request: Schema | None,
        query: dict[str, Schema],
        path: dict[str, Schema],
        *,
        body_checked_by_view: bool = False,
    ) -> None:
        # A compressed body (the sync push) is checked by the view once inflated.
        self.body = None if request is None or body_checked_by_view else compile_schema(request)
        self.query = _parameters(query)
        self.query_names = tuple(query)
        self.query_integers = frozenset(
            name for name, schema in query.items() if schema.get("type") == "integer"
        )
        self.path = _parameters(path)

    def check(self, request: HttpRequest, path: dict[str, Any]) -> None:
        if self.path is not None:
            _checked(self.path, path)
        if self.query is not None:
            given = {name: request.GET[name] for name in self.query_names if name in request.GET}
            for name in self.query_integers & given.keys():
                # A query is text; an integer parameter is a number written in it.
                if _INTEGER.fullmatch(given[name]):
                    given[name] = int(given[name])
            request.checked_query = _checked(self.query, given)
        if self.body is not None:
            request.checked_body = _checked(self.body, _json(request))


def _parameters(schemas: dict[str, Schema]) -> Callable[[Any], Any] | None:
    if not schemas:
        return None
    # Parameters are named one by one, so a violation names the parameter at fault.
    return compile_schema({"type": "object", "properties": schemas})


def _checked(validate: Callable[[Any], Any], document: Any) -> Any:
    try:
        return validate(document)
    except Violation as violation:
        raise invalid(violation.field, violation.problem) from None


def _json(request: HttpRequest) -> Any:
    try:
        content = request.body
    except RequestDataTooBig:
        raise ApiError(
            413, "too_large", "body: larger than this API accepts", field="body"
        ) from None
    try:
        return json.loads(content or b"null")
    except (ValueError, UnicodeDecodeError):
        raise invalid("body", "not valid JSON") from None


def body(request: HttpRequest) -> dict[str, Any]:
    """The JSON body, checked against the operation's request schema."""
    return request.checked_body


def query(request: HttpRequest) -> dict[str, Any]:
    """The query parameters, checked, with their schemas' defaults filled in."""
    return request.checked_query


def endpoint(*methods: str) -> Callable[[View], View]:
    """Answer only `methods` (405 otherwise), check the request against the operation the
    view recorded for its method, and answer ApiError as its JSON body."""
    allowed = frozenset(methods)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                return ApiError(
                    405,
                    "method_not_allowed",
                    f"{request.method} is not allowed here; use {', '.join(sorted(allowed))}",
                    headers={"Allow": ", ".join(sorted(allowed))},
                ).response()
            # Read at call time: openapi.operation decorates this wrapper after it exists.
            record = getattr(wrapper, OPERATIONS, {}).get(request.method)
            try:
                if record is not None:
                    record["contract"].check(request, kwargs)
                return view(request, *args, **kwargs)
            except ApiError as error:
                return error.response()

        return wrapper

    return decorate
