"""UNIBOS_HUBS: the node's hubs and their priorities, and what a node does without it."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from unibos.node.state import Identity
from unibos.node.sync.hub_routing import Hubs

# load_settings is imported for pytest to find; the tests ask for it by name.
from tests.settings.conftest import NODE, load_settings  # noqa: F401

IDENTITY = Identity(
    node_id="3f1c0a6e-0000-4000-8000-000000000001",
    name="kiosk",
    organization={"id": 1, "slug": "acme", "name": "Acme"},
    issuer="unibos-hub",
    hub_url="http://enrolled:8080",
    enrolled_at="2026-11-24T12:00:00+00:00",
)


def test_a_node_reads_its_hubs_with_and_without_priorities(request):
    settings = request.getfixturevalue("load_settings")(
        **NODE, UNIBOS_HUBS="http://rocksteady:8080@1, https://bebop.example/@2,http://far:8080"
    )

    assert settings.UNIBOS_HUBS == [
        ("http://rocksteady:8080", 1),
        ("https://bebop.example", 2),
        ("http://far:8080", None),
    ]


def test_development_reads_unibos_hubs_too(request, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    settings = request.getfixturevalue("load_settings")(
        UNIBOS_DEPLOYMENT_TYPE="development", UNIBOS_HUBS="http://localhost:8000@1"
    )

    assert settings.UNIBOS_HUBS == [("http://localhost:8000", 1)]


def test_a_node_without_unibos_hubs_has_an_empty_list(request):
    assert request.getfixturevalue("load_settings")(**NODE).UNIBOS_HUBS == []


@pytest.mark.parametrize(
    "entry",
    [
        "rocksteady:8080",
        "ftp://rocksteady",
        "http://rocksteady:8080@first",
        "http://rocksteady:8080@",
        "http://user@rocksteady:8080",
        "http://rocksteady:99999",
        "http://rocksteady:0",
        "http://rocksteady:8080/?x=1",
        "http://",
    ],
)
def test_a_malformed_hub_is_refused_naming_the_variable_and_the_entry(request, entry):
    with pytest.raises(
        ImproperlyConfigured, match=r"UNIBOS_HUBS must be .*" + re.escape(repr(entry))
    ):
        request.getfixturevalue("load_settings")(**NODE, UNIBOS_HUBS=f"http://fine:8080,{entry}")


def test_hubs_without_a_priority_rank_by_their_place_in_the_list():
    hubs = Hubs([("http://a", None), ("http://b", 1), ("http://c", None)])

    assert [(target.name, target.priority) for target in hubs.table] == [
        ("http://a", 1),
        ("http://b", 1),
        ("http://c", 3),
    ]


@pytest.fixture
def node_settings(settings, tmp_path):
    """The node's settings that NodeConfig reads, on top of the session's hub profile."""
    settings.UNIBOS_NODE_STATE_DIR = tmp_path
    settings.UNIBOS_JWKS_REFRESH_INTERVAL = 300
    settings.UNIBOS_HUB_URL = ""
    settings.UNIBOS_HUBS = []
    return settings


def test_the_configured_hubs_are_used_when_unibos_hubs_is_set(node_settings):
    node_settings.UNIBOS_HUBS = [("http://rocksteady:8080", 2), ("http://bebop:8080", 1)]

    assert Hubs.from_settings(IDENTITY).write_hub == "http://bebop:8080"


def test_without_unibos_hubs_the_single_unibos_hub_url_is_the_only_hub(node_settings):
    node_settings.UNIBOS_HUB_URL = "http://moved:8080/"

    assert [target.name for target in Hubs.from_settings(IDENTITY).table] == ["http://moved:8080"]


def test_without_any_hub_setting_the_hub_recorded_at_enrolment_is_the_only_hub(node_settings):
    assert [target.name for target in Hubs.from_settings(IDENTITY).table] == [
        "http://enrolled:8080"
    ]


def test_a_node_needs_at_least_one_hub():
    with pytest.raises(ValueError, match="at least one hub"):
        Hubs([])
