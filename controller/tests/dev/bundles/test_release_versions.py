"""The version arithmetic and the changelog text of a release."""

import datetime

import pytest
from unibos_controller.bundles import release


@pytest.mark.parametrize(
    ("part", "expected"), [("patch", "1.4.10"), ("minor", "1.5.0"), ("major", "2.0.0")]
)
def test_a_part_bumps_that_number_and_resets_the_ones_after_it(part, expected):
    assert release.bumped("1.4.9", part) == expected


def test_a_version_that_is_not_major_minor_patch_is_refused():
    with pytest.raises(release.Refused, match=r"not MAJOR\.MINOR\.PATCH"):
        release.bumped("1.4.0rc1", "patch")


def test_the_new_section_goes_first_under_the_title_and_older_ones_stay():
    day = datetime.date(2026, 12, 7)
    first = release.changelog_with("", "0.2.0", day, ["Add b", "Add a"])
    assert first == "# Changelog\n\n## v0.2.0 (2026-12-07)\n\n- Add b\n- Add a\n"
    second = release.changelog_with(first, "0.3.0", day, ["Fix c"])
    assert second == (
        "# Changelog\n\n## v0.3.0 (2026-12-07)\n\n- Fix c\n\n"
        "## v0.2.0 (2026-12-07)\n\n- Add b\n- Add a\n"
    )
