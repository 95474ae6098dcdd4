"""The replay of a drawn interleaving for the property tests of passing operations on
(the pure replicas' and the node stores'): writes, sends of any of what a sender holds
(by position, modulo how many: any, in any order, some twice) and deliveries of what is
in flight, duplicated and reordered; at the end everything still in flight arrives."""

from collections.abc import Callable, Sequence
from typing import Any


def replay(
    steps: list[tuple],
    parties: Sequence[Any],
    write: Callable[..., None],
    holding: Callable[[Any], list[dict]],
    receive: Callable[[Any, list[dict]], Any],
) -> None:
    in_flight: list[tuple[Any, list[dict]]] = []
    for step in steps:
        if step[0] == "write":
            _, writer, *what = step
            write(parties[writer % len(parties)], *what)
        elif step[0] == "send":
            _, sender, receiver, picks = step
            held = holding(parties[sender % len(parties)])
            if held:
                picked = [held[p % len(held)] for p in picks]
                in_flight.append((parties[receiver % len(parties)], picked))
        elif in_flight:
            _, which, again = step
            receiver, operations = in_flight[which % len(in_flight)]
            if not again:
                in_flight.remove((receiver, operations))
            receive(receiver, operations)
    for receiver, operations in in_flight:
        receive(receiver, operations)
