"""Replicas that apply the same operations in different orders hold the same records."""

from hypothesis import given
from hypothesis import strategies as st
from unibos.sync.merge import apply_fields, operation_cells, values

NODES = ("00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b")

operations = st.lists(
    st.builds(
        lambda wall, node, kind, fields: {
            "hlc": f"{wall:013d}:00000:{node}",
            "kind": kind,
            "fields": fields if kind == "put" else {},
            "base": {},
        },
        st.integers(0, 1000),
        st.sampled_from(NODES),
        st.sampled_from(["put", "put", "delete"]),
        st.dictionaries(st.sampled_from("xyz"), st.integers(0, 5), min_size=1),
    ),
    unique_by=lambda operation: operation["hlc"],
    max_size=8,
)


def replay(ops: list) -> dict:
    record: dict = {}
    for operation in ops:
        record, _ = apply_fields(record, operation_cells(operation))
    return record


@given(operations, st.randoms(use_true_random=False))
def test_any_order_of_the_same_operations_gives_the_same_record(ops, random):
    shuffled = list(ops)
    random.shuffle(shuffled)

    assert values(replay(ops)) == values(replay(shuffled))
    assert replay(ops) == replay(shuffled)
