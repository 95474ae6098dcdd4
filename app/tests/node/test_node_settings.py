from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.settings.conftest import HUB, NODE, WORKER

HUB_APPS = (
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django_celery_beat",
    "unibos.identity",
    "unibos.hub.sync",
)


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


def test_a_node_installs_its_own_apps_and_none_of_the_hubs(load_settings):
    settings = load_settings(**NODE)

    assert settings.INSTALLED_APPS == [
        "unibos.core",
        "unibos.node",
        "unibos.dispatch",
        "unibos.ocr",
        "unibos.media",
        "unibos.cctv",
    ]


@pytest.mark.parametrize(
    "profile",
    [HUB, WORKER, {"UNIBOS_DEPLOYMENT_TYPE": "development"}],
    ids=["hub", "worker", "development"],
)
def test_the_other_profiles_install_the_hubs_apps_too(load_settings, profile):
    settings = load_settings(**profile)

    assert set(HUB_APPS) <= set(settings.INSTALLED_APPS)
    assert "unibos.node" in settings.INSTALLED_APPS
