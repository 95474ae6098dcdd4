"""Sync conflicts as the hub and the node both answer them: the JSON Schemas of a
conflict and of a resolve request, and the reading of that request."""

from typing import Any

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
KEEP = ("local", "remote", "merged")
RESOLVE = {
    "type": "object",
    "required": ["keep"],
    "additionalProperties": False,
    "properties": {
        "keep": {"enum": list(KEEP)},
        "value": {"description": "the merged value: required with keep: merged, and only then"},
    },
    "if": {"properties": {"keep": {"const": "merged"}}},
    "then": {"required": ["value"]},
    "else": {"not": {"required": ["value"]}, "description": "only with keep: merged"},
}


def resolution(body: dict[str, Any]) -> tuple[str, Any]:
    """The `keep` and `value` of a resolve request (checked against RESOLVE)."""
    return body["keep"], body.get("value")
