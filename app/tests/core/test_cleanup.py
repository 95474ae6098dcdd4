import os
import time

DAY = 24 * 60 * 60


def test_cleanup_removes_only_derived_files_older_than_max_age(call_task, data_dir):
    derived = data_dir / "derived"
    derived.mkdir(exist_ok=True)
    old, recent = derived / "old-cleanup.jpg", derived / "recent-cleanup.jpg"
    source = data_dir / "old-source.jpg"
    for path in (old, recent, source):
        path.write_bytes(b"x" * 10)
    ten_days_ago = time.time() - 10 * DAY
    os.utime(old, (ten_days_ago, ten_days_ago))
    os.utime(source, (ten_days_ago, ten_days_ago))

    result = call_task("core.cleanup", max_age_days=5)

    assert not old.exists()
    assert recent.exists()
    assert source.exists()
    assert result == {"removed": 1, "freed_bytes": 10, "max_age_days": 5}


def test_cleanup_defaults_to_the_configured_max_age(call_task, data_dir):
    derived = data_dir / "derived"
    derived.mkdir(exist_ok=True)
    six_days, eight_days = derived / "six-days.jpg", derived / "eight-days.jpg"
    for path, age in ((six_days, 6), (eight_days, 8)):
        path.write_bytes(b"x")
        os.utime(path, (time.time() - age * DAY, time.time() - age * DAY))

    result = call_task("core.cleanup")

    assert result["max_age_days"] == 7
    assert six_days.exists()
    assert not eight_days.exists()
    six_days.unlink()
