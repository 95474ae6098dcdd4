"""The replay of a drawn interleaving for the property tests of passing operations on
(the pure replicas' and the node stores'): writes, sends of any of what a sender holds
(by position, modulo how many: any, in any order, some twice) and deliveries of what is
in flight, duplicated and reordered; at the end everything still in flight arrives.
And the text edits they draw, and the conflicts a replica holds."""

import json
from collections.abc import Callable, Sequence
from typing import Any

from unibos.sync import merge


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


TEXT = "a\nb\nc\nd\n"


def edited(text: str | None, node_id: str, where: int) -> str:
    """`text` (TEXT if none yet) with line `where` (modulo how many) rewritten by
    `node_id`: edits of one text by several nodes, of the same lines or not."""
    lines = (text if isinstance(text, str) else TEXT).splitlines(keepends=True) or [""]
    lines[where % len(lines)] = f"{node_id[-1]}{where}\n"
    return "".join(lines)


def conflicts_after(held: set[str], applied: merge.Applied) -> set[str]:
    """A replica's conflicts (by merge.conflict_key) once it applied an operation: the
    new ones of the fields merged a step added, those of the fields folded again
    replaced, as the stores do (no one resolves any here)."""
    kept = {key for key in held if json.loads(key)[0] not in applied.folded}
    return kept | {
        merge.conflict_key(c.field, merge.side(c.winner), merge.side(c.loser))
        for c in applied.conflicts
    }
