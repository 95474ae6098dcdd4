import pytest
from unibos.routing.table import PriorityTable, Target


def test_targets_are_ordered_by_priority_with_the_lowest_number_first():
    table = PriorityTable([Target("c", 3), Target("a", 1), Target("b", 2)])

    assert [target.name for target in table] == ["a", "b", "c"]


def test_equal_priorities_keep_the_order_they_were_given_in():
    table = PriorityTable([Target("second", 2), Target("x", 1), Target("y", 1)])

    assert [target.name for target in table] == ["x", "y", "second"]
    assert table.rank == {"x": 0, "y": 1, "second": 2}


def test_a_target_listed_twice_is_refused_naming_it():
    with pytest.raises(ValueError, match="hub-a repeat"):
        PriorityTable([Target("hub-a", 1), Target("hub-b", 2), Target("hub-a", 3)])
