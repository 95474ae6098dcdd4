from datetime import UTC, datetime, timedelta

import pytest
from unibos.core.tasks import noop
from unibos.dispatch.submit import submit

MESSAGE = r"^task core.noop would wait \d+ s for its ETA, more than UNIBOS_TASK_MAX_ETA \(60 s\)"


def test_a_countdown_beyond_the_max_eta_is_refused_before_publishing(settings):
    settings.UNIBOS_TASK_MAX_ETA = 60

    with pytest.raises(ValueError, match=MESSAGE):
        noop.apply_async(countdown=61)


@pytest.mark.parametrize("as_text", [False, True], ids=["datetime", "iso"])
def test_an_eta_beyond_the_max_eta_is_refused_before_publishing(settings, as_text):
    settings.UNIBOS_TASK_MAX_ETA = 60
    eta = datetime.now(UTC) + timedelta(minutes=5)

    with pytest.raises(ValueError, match=MESSAGE):
        noop.apply_async(eta=eta.isoformat() if as_text else eta)


def test_a_submitted_task_is_held_to_the_same_max_eta(settings):
    settings.UNIBOS_TASK_MAX_ETA = 60

    with pytest.raises(ValueError, match=MESSAGE):
        submit("core.noop", countdown=61)
