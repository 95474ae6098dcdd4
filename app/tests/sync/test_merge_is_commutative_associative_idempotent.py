"""Merging replicas of a record: the order and repetition of merges change nothing."""

import zlib

from hypothesis import given
from hypothesis import strategies as st
from unibos.sync.merge import Cell, merge_cell, merge_records

NODES = ("00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b")

hlcs = st.builds(
    lambda wall, counter, node: f"{wall:013d}:{counter:05d}:{node}",
    st.integers(0, 50),
    st.integers(0, 3),
    st.sampled_from(NODES),
)


def cell(hlc: str) -> Cell:
    # One write, one HLC: the same HLC always carries the same value.
    return Cell(zlib.crc32(hlc.encode()) % 7, hlc)


records = st.dictionaries(st.sampled_from("abcd"), hlcs.map(cell))


@given(records, records)
def test_merging_is_commutative(left, right):
    assert merge_records(left, right) == merge_records(right, left)


@given(records, records, records)
def test_merging_is_associative(a, b, c):
    assert merge_records(merge_records(a, b), c) == merge_records(a, merge_records(b, c))


@given(records, records)
def test_merging_is_idempotent(left, right):
    merged = merge_records(left, right)

    assert merge_records(merged, merged) == merged
    assert merge_records(merged, right) == merged


@given(hlcs.map(cell), hlcs.map(cell))
def test_a_field_keeps_the_same_cell_whichever_write_arrives_first(first, second):
    assert merge_cell("f", first, second)[0] == merge_cell("f", second, first)[0]
    assert merge_cell("f", first, first) == (first, None)
