"""UNIBOS_SYNC_INTERVAL: the seconds between two rounds of `unibos sync --watch`."""

import pytest
from django.core.exceptions import ImproperlyConfigured

# load_settings is imported for pytest to find; the tests ask for it by name.
from tests.settings.conftest import NODE, load_settings  # noqa: F401


def test_a_node_syncs_every_ten_seconds_unless_told_otherwise(request):
    load = request.getfixturevalue("load_settings")

    assert load(**NODE).UNIBOS_SYNC_INTERVAL == 10
    assert load(**NODE, UNIBOS_SYNC_INTERVAL="3").UNIBOS_SYNC_INTERVAL == 3


def test_development_reads_the_sync_interval_too(request, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    settings = request.getfixturevalue("load_settings")(
        UNIBOS_DEPLOYMENT_TYPE="development", UNIBOS_SYNC_INTERVAL="2"
    )

    assert settings.UNIBOS_SYNC_INTERVAL == 2


@pytest.mark.parametrize("value", ["0", "soon"])
def test_an_interval_below_one_second_or_not_a_number_is_refused_naming_it(request, value):
    with pytest.raises(ImproperlyConfigured, match="UNIBOS_SYNC_INTERVAL"):
        request.getfixturevalue("load_settings")(**NODE, UNIBOS_SYNC_INTERVAL=value)
