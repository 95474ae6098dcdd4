"""The OpenAPI 3.1 document of a deployment, built from the views themselves.

Interface (shared by the hub's endpoints, `unibos.http.hub`, and the node's, `unibos.http.node`):

- `@operation(method=None, *, summary, request=None, responses, auth=None,
  description=None, query=None, path=None, body_checked_by_view=False)` records one
  HTTP method of a view function: `request` and each value of `responses` (keyed by
  status code) are JSON Schema dicts, or None for no body; `query` and `path` map a
  parameter's name to its schema (a path parameter without one is described by its
  route converter); `auth` is `"bearer"` (a JWT in `Authorization: Bearer`) or None
  (open). The same schemas are compiled into the request's checks
  (unibos.http.contract), so the document and the server cannot disagree; a view
  whose body arrives compressed (the sync push) says `body_checked_by_view` and checks
  it against the same schema itself. Every operation documents the JSON 404 and 405
  that any request may get, and 400 when it has parameters or a body to refuse. Stack
  one decorator per method the view answers; `method` defaults to POST when there is a
  request body, GET otherwise. It returns the view itself, so it can also describe a
  view defined elsewhere: `operation(summary=...)(views.health)`. Put it outermost
  (above decorators built with functools.wraps), or innermost: both keep the record.
- `ERROR` is the JSON Schema of the `{"error", "detail"}` body of every error
  (unibos.http.errors).
- `document(title, patterns) -> dict` walks URL patterns (a list of them, a urlconf
  module, or its dotted name), following `include()`, and describes every path whose
  view recorded an operation; `<int:id>` and the like become `{id}` path parameters.
- `schema_view(title, urlconf=None) -> view`: a GET view answering that document as
  JSON (urlconf None: the deployment's ROOT_URLCONF).

Only views that recorded an operation appear, so an undocumented endpoint is missing
from the document rather than described wrongly.
"""

import re
from collections.abc import Callable, Iterator, Sequence
from http import HTTPStatus
from importlib import import_module
from types import ModuleType
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver
from django.urls.converters import IntConverter, UUIDConverter

from unibos import __version__
from unibos.http.contract import OPERATIONS, Contract, endpoint
from unibos.http.errors import ERROR

Schema = dict[str, Any]
View = Callable[..., Any]

ATTRIBUTE = OPERATIONS
# `<int:id>` or `<id>` in a Django route.
_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
AUTH_SCHEMES = {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}

__all__ = [
    "ERROR",
    "ID",
    "OPTIONAL_TIMESTAMP",
    "TIMESTAMP",
    "document",
    "operation",
    "operations",
    "schema_view",
    "text",
]


# Blank: ASCII white space only, spelt out: `\s` means more in Python than in ECMA-262,
# and the document and the server must read the pattern alike.
NOT_BLANK = r"^[^\u0000]*[^\u0000\t\n\v\f\r ][^\u0000]*$"
# A database id in a path: PostgreSQL's and SQLite's integers are 64-bit.
ID: Schema = {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}
TIMESTAMP: Schema = {"type": "string", "format": "date-time"}
OPTIONAL_TIMESTAMP: Schema = {"type": ["string", "null"], "format": "date-time"}


def text(max_length: int, **more: Any) -> Schema:
    """A string that is not blank (a name, a password), of at most `max_length`, without
    NUL, which PostgreSQL's text cannot hold."""
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": max_length,
        "pattern": NOT_BLANK,
        **more,
    }


def operation(
    method: str | None = None,
    *,
    summary: str,
    responses: dict[int, Schema | None],
    request: Schema | None = None,
    auth: str | None = None,
    description: str | None = None,
    query: dict[str, Schema] | None = None,
    path: dict[str, Schema] | None = None,
    body_checked_by_view: bool = False,
) -> Callable[[View], View]:
    verb = (method or ("POST" if request is not None else "GET")).upper()
    if verb not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if auth is not None and auth not in AUTH_SCHEMES:
        raise ValueError(f"auth must be None or one of {', '.join(AUTH_SCHEMES)}, not {auth!r}")
    record = {
        "summary": summary,
        "description": description,
        "request": request,
        "responses": _with_standard_errors(responses, request, query, path, auth),
        "auth": auth,
        "query": query or {},
        "path": path or {},
        "contract": Contract(
            request, query or {}, path or {}, body_checked_by_view=body_checked_by_view
        ),
    }

    def describe(view: View) -> View:
        # A new dict: functools.wraps copies the attribute, so the wrapped function and
        # its wrapper may share one, and a decorator must not change another view's.
        setattr(view, ATTRIBUTE, {**getattr(view, ATTRIBUTE, {}), verb: record})
        return view

    return describe


def _with_standard_errors(
    responses: dict[int, Schema | None],
    request: Schema | None,
    query: dict[str, Schema] | None,
    path: dict[str, Schema] | None,
    auth: str | None,
) -> dict[int, Schema | None]:
    """`responses` and the errors any such request may get, in the one error shape."""
    # 404: a path this API does not have; 405: a method the path does not answer.
    standard: dict[int, Schema | None] = {404: ERROR, 405: ERROR}
    if auth is not None:
        # 401: no token or one that does not verify; 403: one that may not do this.
        standard.update({401: ERROR, 403: ERROR})
    if request is not None or query or path:
        standard[400] = ERROR
    if request is not None:
        standard[413] = ERROR
    return {**standard, **responses}


def operations(view: View) -> dict[str, dict[str, Any]]:
    """The methods a view recorded, each with its operation; empty when undocumented."""
    return dict(getattr(view, ATTRIBUTE, {}))


def endpoints(
    patterns: Sequence[URLPattern | URLResolver],
) -> Iterator[tuple[str, URLPattern, dict[str, Any]]]:
    """Each URL pattern under `patterns` with its full route and the converters of the
    route's parameters, `include()`s followed."""
    for entry in patterns:
        converters = dict(getattr(entry.pattern, "converters", {}))
        if isinstance(entry, URLResolver):
            for route, pattern, inner in endpoints(entry.url_patterns):
                yield str(entry.pattern) + route, pattern, {**converters, **inner}
        else:
            yield str(entry.pattern), entry, converters


def document(title: str, patterns: Sequence[URLPattern | URLResolver] | ModuleType | str) -> Schema:
    paths: dict[str, Schema] = {}
    for route, pattern, converters in endpoints(_patterns(patterns)):
        recorded = operations(pattern.callback)
        if not recorded:
            continue
        path, names = _path(route)
        item = paths.setdefault(path, {})
        for method, record in recorded.items():
            parameters = [
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": record["path"].get(name) or _parameter_schema(converters.get(name)),
                }
                for name in names
            ] + [
                {"name": name, "in": "query", "required": False, "schema": schema}
                for name, schema in record["query"].items()
            ]
            item[method.lower()] = _operation(pattern, method, record, parameters)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": __version__},
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": AUTH_SCHEMES,
            "schemas": {"Error": ERROR},
        },
    }


def schema_view(title: str, urlconf: Sequence[Any] | ModuleType | str | None = None) -> View:
    @operation(summary="This OpenAPI document", responses={200: {"type": "object"}})
    @endpoint("GET", "HEAD")
    def openapi_document(request: HttpRequest) -> JsonResponse:
        return JsonResponse(document(title, urlconf or settings.ROOT_URLCONF))

    return openapi_document


def _patterns(
    source: Sequence[URLPattern | URLResolver] | ModuleType | str,
) -> Sequence[URLPattern | URLResolver]:
    module = import_module(source) if isinstance(source, str) else source
    return module.urlpatterns if isinstance(module, ModuleType) else module


def _path(route: str) -> tuple[str, list[str]]:
    """`api/members/<int:id>` as `/api/members/{id}`, with its path parameters' names."""
    return "/" + _PARAMETER.sub(r"{\1}", route), _PARAMETER.findall(route)


def _parameter_schema(converter: Any) -> Schema:
    if isinstance(converter, IntConverter):
        return ID
    if isinstance(converter, UUIDConverter):
        return {"type": "string", "format": "uuid"}
    return {"type": "string"}


def _operation(
    pattern: URLPattern, method: str, record: dict[str, Any], parameters: list[Schema]
) -> Schema:
    result: Schema = {
        "operationId": f"{pattern.name or pattern.callback.__name__}_{method.lower()}",
        "summary": record["summary"],
        "responses": {
            str(status): _response(status, schema)
            for status, schema in sorted(record["responses"].items())
        },
    }
    if record["description"]:
        result["description"] = record["description"]
    if parameters:
        result["parameters"] = parameters
    if record["request"] is not None:
        result["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": record["request"]}},
        }
    result["security"] = [{record["auth"]: []}] if record["auth"] else []
    return result


def _response(status: int, schema: Schema | None) -> Schema:
    response: Schema = {"description": HTTPStatus(status).phrase}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    return response
