"""The hybrid logical clock only moves forward: clock set back, restarts, remote times."""

from hypothesis import given
from hypothesis import strategies as st
from unibos.sync.hlc import Clock, Timestamp

NODE = "5d0f4a4e-8a3c-4a43-9d5e-1d1d2c3b4a59"
OTHER = "9a1b2c3d-0000-4000-8000-00000000000b"

walls = st.integers(min_value=0, max_value=2**42)
remote = st.builds(Timestamp, walls, st.integers(min_value=0, max_value=99_999), st.just(OTHER))
events = st.lists(
    st.one_of(walls.map(lambda wall: ("tick", wall)), remote.map(lambda t: ("observe", t)))
)


def run(clock: Clock, script: list) -> list[Timestamp]:
    stamps = []
    for kind, argument in script:
        if kind == "tick":
            clock.wall = lambda wall=argument: wall
            stamps.append(clock.now())
        else:
            stamps.append(clock.observe(argument))
            assert stamps[-1] > Timestamp(argument.wall_ms, argument.counter, "")
    return stamps


@given(events)
def test_every_timestamp_is_later_than_the_one_before_whatever_the_wall_clock_says(script):
    stamps = run(Clock(NODE), script)

    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)
    assert [str(stamp) for stamp in stamps] == sorted(str(stamp) for stamp in stamps)


@given(events, events, walls)
def test_a_clock_restarted_from_its_persisted_state_continues_after_it(before, after, set_back):
    first = Clock(NODE)
    earlier = run(first, before)
    persisted = str(first.last)

    restarted = Clock(NODE, Timestamp.parse(persisted), wall=lambda: set_back)
    later = [restarted.now(), *run(restarted, after)]

    assert (earlier + later) == sorted(earlier + later)
    assert later[0] > first.last


def test_a_clock_set_back_an_hour_counts_on_from_the_last_time():
    now = [10_000_000]
    clock = Clock(NODE, wall=lambda: now[0])
    first = clock.now()
    now[0] -= 3_600_000

    second = clock.now()

    assert (second.wall_ms, second.counter) == (first.wall_ms, 1)
