"""What leaves for the hub or a peer (unibos.sync.export.bound_for): every operation, in
its order, so that no seq is missing; in full where its level lets it go, else as a
placeholder that keeps its origin and seq and nothing else."""

from hypothesis import given
from hypothesis import strategies as st
from unibos.sync import export

ORIGIN = "00000000-0000-4000-8000-00000000000a"


def operation(seq: int, level: str) -> dict:
    written = {
        "node_id": ORIGIN,
        "seq": seq,
        "hlc": f"1796644800000:00000:{ORIGIN}",
        "collection": f"{level}-things",
        "record_id": f"r{seq}",
        "kind": "put",
        "fields": {"secret": level},
        "base": {},
    }
    if level != export.HUB:
        written["export"] = level
    return written


def test_a_local_operation_goes_to_a_peer_and_to_the_hub_as_its_origin_and_seq_alone():
    local = operation(4, export.LOCAL)

    for destination in (export.PEERS, export.HUB):
        assert export.bound_for([local], destination) == [
            {"node_id": ORIGIN, "seq": 4, "kind": "placeholder"}
        ]


def test_a_peers_operation_goes_to_a_peer_in_full_and_to_the_hub_as_a_placeholder():
    peers = operation(2, export.PEERS)

    assert export.bound_for([peers], export.PEERS) == [peers]
    assert export.bound_for([peers], export.HUB) == [export.placeholder(peers)]


def test_a_hub_operation_goes_everywhere_in_full():
    hub = operation(1, export.HUB)

    assert export.bound_for([hub], export.PEERS) == [hub]
    assert export.bound_for([hub], export.HUB) == [hub]


def test_a_placeholder_passed_on_stays_one():
    placeholder = export.placeholder(operation(3, export.LOCAL))

    assert export.bound_for([placeholder], export.PEERS) == [placeholder]
    assert export.bound_for([placeholder], export.HUB) == [placeholder]


@given(
    st.lists(st.sampled_from(export.LEVELS), max_size=30),
    st.sampled_from((export.HUB, export.PEERS)),
)
def test_every_seq_leaves_in_order_and_nothing_of_a_kept_operation_does(levels, destination):
    operations = [operation(seq, level) for seq, level in enumerate(levels, start=1)]

    sent = export.bound_for(operations, destination)

    assert [(op["node_id"], op["seq"]) for op in sent] == [
        (op["node_id"], op["seq"]) for op in operations
    ]
    for original, leaving in zip(operations, sent, strict=True):
        reach = export.LEVELS.index(export.level(original))
        if reach <= export.LEVELS.index(destination):
            assert leaving == original
        else:
            assert leaving == {"node_id": ORIGIN, "seq": original["seq"], "kind": "placeholder"}


def test_a_level_that_is_none_is_named_with_the_levels():
    assert export.level_problem("everywhere") == (
        "'everywhere' is no export level; the levels are hub, peers, local"
    )
    assert export.level_problem("peers") is None
