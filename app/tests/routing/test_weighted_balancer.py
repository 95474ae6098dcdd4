from collections import Counter

from unibos.routing.balancers import Weighted
from unibos.routing.table import Target

HEAVY, LIGHT_1, LIGHT_2 = Target("heavy", weight=5), Target("l1"), Target("l2")


def test_weighted_sends_each_target_its_share_of_every_round():
    balancer = Weighted()

    picks = Counter(balancer.pick([HEAVY, LIGHT_1, LIGHT_2]).name for _ in range(70))

    assert picks == {"heavy": 50, "l1": 10, "l2": 10}


def test_weighted_spreads_a_heavy_target_out_instead_of_sending_it_a_burst():
    balancer = Weighted()

    picks = [balancer.pick([HEAVY, LIGHT_1, LIGHT_2]).name for _ in range(7)]

    assert picks == ["heavy", "heavy", "l1", "heavy", "l2", "heavy", "heavy"]
