"""The contract stage: schemathesis fuzzes the hub's and the node's API from their own
OpenAPI documents, over HTTP against real servers (live_server: this process's Django
on a real socket, PostgreSQL and Redis as the app runs on), with a real bearer token.

`make test-contract` runs it on its own, into .test-results/contract.xml, whose counts
scripts/test-summary prints. Every check schemathesis has runs on every case: no 5xx,
a schema-valid request is never refused, a schema-invalid one is, every status and
content type answered is documented, and every body conforms to its documented schema.
Each operation is one test item, so the JUnit report counts operations and failures;
hypothesis runs derandomized, at most MAX_EXAMPLES cases per operation and generation mode, so a run
is bounded and the same on every machine.
"""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

pytestmark = pytest.mark.urls("tests.node.urls")

MAX_EXAMPLES = 25
NODE_PREFIX = "/node"


def _schema(base_url: str, document_path: str, token: str, node: bool) -> schemathesis.BaseSchema:
    """The API whose document is at `document_path`, alone: tests.node.urls serves both
    APIs from one process (the node's under /node/), so each document also lists the
    other one's paths, which are left out here."""
    document = requests.get(base_url + document_path, timeout=30).json()
    document["paths"] = {
        path: item
        for path, item in document["paths"].items()
        if path.startswith(NODE_PREFIX + "/") == node
    }
    config = SchemathesisConfig.from_dict(
        {
            "base-url": base_url,
            "headers": {"Authorization": f"Bearer {token}"},
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
            },
        }
    )
    return schemathesis.openapi.from_dict(document, config=config)


@pytest.fixture
def hub_api(hub, fast_password_hasher):
    """The hub's API as an owner of acme sees it."""
    hub.member("olivia", role="owner")
    return _schema(hub.url, "/api/openapi.json", hub.login("olivia"), node=False)


@pytest.fixture
def node_api(hub, node_a, settings, node_config, fast_password_hasher):
    """The API of node_a, enrolled with the hub, as a member of acme sees it."""
    settings.UNIBOS_SYNC_DB_PATH = node_a.store.path
    node_config.state.enrol(node_a.identity, node_a.credential)
    hub.member("alice")
    return _schema(hub.url, f"{NODE_PREFIX}/api/openapi.json", hub.login("alice"), node=True)


@pytest.fixture
def fast_password_hasher(settings):
    # PBKDF2's deliberate slowness would be most of each login the fuzzer makes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Each operation of each API, one test item each, so the JUnit report counts them.
# test_every_operation_is_fuzzed holds these lists to the served documents.
HUB_OPERATIONS = [
    "GET /.well-known/jwks.json",
    "GET /api/alerts",
    "POST /api/auth/token",
    "GET /api/conflicts",
    "POST /api/conflicts/{conflict_id}/resolve",
    "POST /api/enrolment-tokens",
    "GET /api/health",
    "GET /api/me",
    "GET /api/members",
    "POST /api/members",
    "DELETE /api/members/{member_id}",
    "GET /api/members/{member_id}",
    "PATCH /api/members/{member_id}",
    "GET /api/nodes",
    "POST /api/nodes/enrol",
    "POST /api/nodes/token",
    "DELETE /api/nodes/{node_id}",
    "GET /api/nodes/{node_id}",
    "GET /api/openapi.json",
    "GET /api/organization",
    "PATCH /api/organization",
    "GET /api/queues",
    "GET /api/ready",
    "GET /api/sync/changes",
    "POST /api/sync/push",
    "GET /api/workers",
]
NODE_OPERATIONS = [
    "POST /node/api/auth/token",
    "GET /node/api/conflicts",
    "POST /node/api/conflicts/{conflict_id}/resolve",
    "GET /node/api/me",
    "GET /node/api/node",
    "GET /node/api/openapi.json",
    "POST /node/api/peers/heartbeat",
    "POST /node/api/peers/operations",
    "GET /node/api/records/{collection}",
    "DELETE /node/api/records/{collection}/{record_id}",
    "GET /node/api/records/{collection}/{record_id}",
    "PATCH /node/api/records/{collection}/{record_id}",
    "GET /node/api/records/{collection}/{record_id}/documents/{field}",
    "POST /node/api/records/{collection}/{record_id}/documents/{field}",
]


# The checks an operation is spared, each for a reason the document states.
SPARED = {
    # No worker runs beside this test host, so its health report is failing: the
    # documented 503, whose body the other checks still hold to the REPORT schema.
    "GET /api/health": [not_a_server_error],
    # Whether base64 text is a Yjs update, JSON Schema cannot say: the document says the
    # update is one, and the 400 naming `update` that refuses any other is documented.
    "POST /node/api/records/{collection}/{record_id}/documents/{field}": [positive_data_acceptance],
    # The fuzzer's token is a user's, and the peers' endpoints take only a node token
    # naming the body's node_id, which no schema can say: the documented 403 refuses the
    # rest.
    "POST /node/api/peers/heartbeat": [positive_data_acceptance],
    "POST /node/api/peers/operations": [positive_data_acceptance],
}


def _fuzz(schema: schemathesis.BaseSchema, label: str) -> int:
    """Every case of both generation modes of one operation, every check on each: the
    number of requests made."""
    operation = schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the served document"
    raw = operation.definition.raw
    # An operation without parameters or a body has no request to get wrong.
    refusable = "parameters" in raw or "requestBody" in raw
    modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if refusable else [])
    requests_made = 0
    for mode in modes:

        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case: schemathesis.Case) -> None:
            nonlocal requests_made
            requests_made += 1
            case.call_and_validate(excluded_checks=SPARED.get(label, []))

        check()
    return requests_made


def _labels(schema: schemathesis.BaseSchema) -> list[str]:
    return sorted(result.ok().label for result in schema.get_all_operations())


def test_every_operation_is_fuzzed(hub_api, node_api):
    assert _labels(hub_api) == sorted(HUB_OPERATIONS)
    assert _labels(node_api) == sorted(NODE_OPERATIONS)


@pytest.mark.parametrize("label", HUB_OPERATIONS)
def test_the_hub_api(hub_api, label, record_property):
    # scripts/test-summary sums this property of contract.xml.
    record_property("requests", _fuzz(hub_api, label))


@pytest.mark.parametrize("label", NODE_OPERATIONS)
def test_the_node_api(node_api, label, record_property):
    record_property("requests", _fuzz(node_api, label))
