"""The OpenAPI operations of core's /api/health and /api/ready, which hub and node serve.

They are core's views; describing them here keeps core free of the API's document.
"""

from unibos.api import openapi
from unibos.core import views

COMPONENT = {
    "type": "object",
    "required": ["status"],
    "properties": {
        "status": {"enum": ["ok", "failing"]},
        "latency_ms": {"type": "number"},
        "error": {"type": "string"},
        "workers": {"type": "array", "items": {"type": "string"}},
    },
}
REPORT = {
    "type": "object",
    "required": ["status", "deployment", "components", "failing"],
    "properties": {
        "status": {"enum": ["ok", "failing"]},
        "deployment": {"type": "string"},
        "version": {"type": "string"},
        "components": {"type": "object", "additionalProperties": COMPONENT},
        "failing": {"type": "array", "items": {"type": "string"}},
        "schedule": {"type": "object"},
    },
}

openapi.operation(
    summary="Is every component, queues and their workers included, working?",
    responses={200: REPORT, 503: REPORT},
)(views.health)
openapi.operation(
    summary="Can this instance serve requests (database and broker)?",
    responses={200: REPORT, 503: REPORT},
)(views.ready)
