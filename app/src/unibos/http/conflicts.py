"""Sync conflicts as the hub and the node both answer them: the JSON Schemas of a
conflict and of a resolve request, and the reading of that request."""

from typing import Any

from unibos.http.body import Body, invalid

SIDE = {
    "type": "object",
    "required": ["value", "hlc", "node_id"],
    "properties": {"value": {}, "hlc": {"type": "string"}, "node_id": {"type": "string"}},
}
CONFLICT = {
    "type": "object",
    "required": [
        *("id", "collection", "record_id", "field", "winner", "loser"),
        *("resolved_at", "resolution"),
    ],
    "properties": {
        "id": {"type": "integer"},
        "collection": {"type": "string"},
        "record_id": {"type": "string"},
        "field": {"type": "string"},
        "winner": SIDE,
        "loser": SIDE,
        "created_at": {"type": "string", "format": "date-time"},
        "resolved_at": {"type": ["string", "null"], "format": "date-time"},
        "resolution": {"type": ["object", "null"]},
    },
}
CONFLICTS = {
    "type": "object",
    "required": ["conflicts"],
    "properties": {"conflicts": {"type": "array", "items": CONFLICT}},
}
RESOLVE = {
    "type": "object",
    "required": ["keep"],
    "additionalProperties": False,
    "properties": {
        "keep": {"enum": ["local", "remote", "merged"]},
        "value": {"description": "the merged value (keep: merged)"},
    },
}
KEEP = ("local", "remote", "merged")


def resolution(body: Body) -> tuple[str, Any]:
    """The `keep` and `value` of a resolve request, on the hub and on a node."""
    keep = body.choice("keep", KEEP)
    if (keep == "merged") != ("value" in body):
        raise invalid("value", "required with keep: merged, and only then")
    return keep, body.document.get("value")
