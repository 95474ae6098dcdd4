"""Text fields merge line by line; overlapping edits are a conflict that keeps the loser."""

from hypothesis import given
from hypothesis import strategies as st
from unibos.sync.merge import Cell, merge_cell, merge_text

BASE = "one\ntwo\nthree\nfour\n"
A = "0000000000001:00000:00000000-0000-4000-8000-00000000000a"
B = "0000000000002:00000:00000000-0000-4000-8000-00000000000b"


def test_edits_of_different_lines_merge_cleanly():
    merged = merge_text(BASE, "ONE\ntwo\nthree\nfour\n", "one\ntwo\nthree\nFOUR\nfive\n")

    assert merged == "ONE\ntwo\nthree\nFOUR\nfive\n"


def test_edits_of_the_same_line_do_not_merge():
    assert merge_text(BASE, "one\nTWO\nthree\nfour\n", "one\n2\nthree\nfour\n") is None


def test_a_clean_text_merge_is_no_conflict():
    older = Cell("ONE\ntwo\nthree\nfour\n", A, BASE)
    newer = Cell("one\ntwo\nthree\nFOUR\n", B, BASE)

    cell, conflict = merge_cell("body", older, newer)

    assert conflict is None
    assert cell == Cell("ONE\ntwo\nthree\nFOUR\n", B, BASE)


def test_an_unmergeable_text_edit_keeps_the_later_one_and_the_loser():
    older = Cell("one\nTWO\nthree\nfour\n", A, BASE)
    newer = Cell("one\n2\nthree\nfour\n", B, BASE)

    cell, conflict = merge_cell("body", older, newer)

    assert cell == newer
    assert (conflict.winner, conflict.loser) == (newer, older)


lines = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "d\n"]), max_size=6)
texts = lines.map("".join)


@given(texts, texts, texts)
def test_the_merge_is_the_same_whichever_side_is_ours(base, ours, theirs):
    assert merge_text(base, ours, theirs) == merge_text(base, theirs, ours)


@given(texts, texts)
def test_merging_with_an_unchanged_side_or_an_equal_one_gives_the_change(base, changed):
    assert merge_text(base, base, changed) == changed
    assert merge_text(base, changed, changed) == changed
