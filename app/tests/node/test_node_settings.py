from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.settings.conftest import NODE


def test_a_node_reads_its_hub_state_dir_and_refresh_interval(load_settings, tmp_path):
    settings = load_settings(
        **NODE,
        UNIBOS_HUB_URL="http://rocksteady:8080",
        UNIBOS_NODE_STATE_DIR=str(tmp_path),
        UNIBOS_JWKS_REFRESH_INTERVAL="60",
    )

    assert settings.UNIBOS_HUB_URL == "http://rocksteady:8080"
    assert tmp_path == settings.UNIBOS_NODE_STATE_DIR
    assert settings.UNIBOS_JWKS_REFRESH_INTERVAL == 60


def test_a_node_needs_no_hub_url_and_has_documented_defaults(load_settings):
    settings = load_settings(**NODE)

    assert settings.UNIBOS_HUB_URL == ""
    assert Path("/var/lib/unibos/node/state") == settings.UNIBOS_NODE_STATE_DIR
    assert settings.UNIBOS_JWKS_REFRESH_INTERVAL == 300


def test_a_relative_state_dir_is_refused_naming_it(load_settings):
    with pytest.raises(ImproperlyConfigured, match="UNIBOS_NODE_STATE_DIR must be an absolute"):
        load_settings(**NODE, UNIBOS_NODE_STATE_DIR="state")
