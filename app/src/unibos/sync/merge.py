"""Pure merging of synced records, the same code on the hub and on every node.

A record is a dict of cells, one per field: the value, the HLC string of the write
that set it (it ends with the writer's node id, so comparing HLC strings compares
`(hlc, node_id)`), and the value that write had seen (its `base`). The higher HLC
wins a field on every replica whatever the order operations arrive in. Two writes
that had not seen each other are a conflict: the loser is kept in a Conflict, unless
both are text from the same base that merge cleanly line by line. A document field
(unibos.sync.documents) is never a conflict: both sides' edits are joined.

Merging two cells at a time is not enough for text: which edits merge depends on the
order they meet in (a text edited twice on one node merges with another node's edit of
the first version only if that edit comes between the two). So a record is defined as
the fold of all the operations a replica holds, in HLC order (`fold`), and its
conflicts as the ones that fold finds: a function of the set, not of the order of
arrival. A replica applies a write newer than the field it writes as one more step of
the fold; a field written late, or whose step is a text conflict (the fold may merge it
with an earlier version, which a cell does not remember), it folds again from the
operations it keeps (`apply_operation`). Documents join in any order, so they are never
folded again.
"""

import difflib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from unibos.sync import documents

# A deleted record is a tombstone field, so that a delete and a later put order by HLC
# like any other write.
DELETED = "_deleted"
# The base of a field the writer had not seen at all.
UNSEEN: dict[str, Any] = {"unseen": True}


@dataclass(frozen=True)
class Cell:
    value: Any
    hlc: str
    base: Any = None


@dataclass(frozen=True)
class Conflict:
    field: str
    winner: Cell
    loser: Cell


Record = dict[str, Cell]


def merge_records(left: Record, right: Record) -> Record:
    """The join of two replicas of a record: each field's highest-HLC cell, or for a
    document both sides' edits."""
    merged = dict(left)
    for field, cell in right.items():
        if field not in merged:
            merged[field] = cell
        elif _documents(merged[field], cell):
            merged[field] = _joined(merged[field], cell)
        elif cell.hlc > merged[field].hlc:
            merged[field] = cell
    return merged


def _documents(current: Cell, incoming: Cell) -> bool:
    return documents.is_document(current.value) and documents.is_document(incoming.value)


def _joined(current: Cell, incoming: Cell) -> Cell:
    newer = incoming if incoming.hlc > current.hlc else current
    return Cell(documents.join(current.value, incoming.value), newer.hlc, newer.base)


def merge_cell(field: str, current: Cell, incoming: Cell) -> tuple[Cell, Conflict | None]:
    """The cell a field holds once `incoming` meets `current`, whichever came first."""
    if current.hlc == incoming.hlc:
        return current, None
    if _documents(current, incoming):
        return _joined(current, incoming), None
    newer, older = (incoming, current) if incoming.hlc > current.hlc else (current, incoming)
    if older.value in (newer.value, newer.base):
        # The newer write had seen the older value: an ordinary overwrite.
        return newer, None
    if (
        isinstance(newer.value, str)
        and isinstance(older.value, str)
        and isinstance(newer.base, str)
        and newer.base == older.base
    ):
        merged = merge_text(newer.base, newer.value, older.value)
        if merged is not None:
            return Cell(merged, newer.hlc, newer.base), None
    return newer, Conflict(field, newer, older)


def apply_fields(record: Record, writes: Record) -> tuple[Record, list[Conflict]]:
    """`record` with the cells of one operation merged in, and the conflicts found."""
    merged = dict(record)
    conflicts = []
    for field, cell in writes.items():
        if field not in merged:
            merged[field] = cell
            continue
        merged[field], conflict = merge_cell(field, merged[field], cell)
        if conflict is not None:
            conflicts.append(conflict)
    return merged, conflicts


@dataclass(frozen=True)
class Applied:
    record: Record
    # The new conflicts of the fields merged a step, and all those of the fields folded.
    conflicts: list[Conflict]
    folded: frozenset[str]


def apply_operation(
    record: Record,
    operation: dict[str, Any],
    history: Callable[[], Iterable[dict[str, Any]]],
    done: frozenset[str] = frozenset(),
) -> Applied:
    """`record` with `operation` applied, `history()` being every operation of the record
    the replica holds, this one included: read only when a field is folded again.
    Fields in `done` are left as they are: folded already from a history that held
    this operation."""
    writes = {
        field: cell for field, cell in operation_cells(operation).items() if field not in done
    }
    late = {field for field, cell in writes.items() if _late(record.get(field), cell)}
    merged, found = apply_fields(
        record, {field: cell for field, cell in writes.items() if field not in late}
    )
    folded = frozenset(late | {conflict.field for conflict in found if _textual(conflict)})
    if not folded:
        return Applied(merged, found, folded)
    refolded, refound = fold(history(), folded)
    merged.update(refolded)
    stepped = [conflict for conflict in found if conflict.field not in folded]
    return Applied(merged, stepped + refound, folded)


def _late(current: Cell | None, incoming: Cell) -> bool:
    """Whether the field is newer than the write: the write is not the fold's next
    step. Two documents are joined, in any order."""
    return current is not None and current.hlc > incoming.hlc and not _documents(current, incoming)


def _textual(conflict: Conflict) -> bool:
    """A conflict the fold might merge away: text over text edited from another text."""
    return all(
        isinstance(text, str)
        for text in (conflict.winner.value, conflict.loser.value, conflict.winner.base)
    )


def fold(
    operations: Iterable[dict[str, Any]], fields: Iterable[str] | None = None
) -> tuple[Record, list[Conflict]]:
    """The record the operations make applied in HLC order, and its conflicts; only
    `fields` of it if given.

    Where a text conflict would keep the later edit alone, the fold merges it from its
    own base if the field's text descends from that base (an edit of a version the other
    side has since edited again merges with the other side's latest text).
    """
    record: Record = {}
    # The texts each field's value descends from, as far as the fold knows.
    ancestry: dict[str, set[str]] = {}
    conflicts = []
    wanted = None if fields is None else set(fields)
    for operation in _in_hlc_order(operations):
        for field, cell in operation_cells(operation).items():
            if wanted is not None and field not in wanted:
                continue
            merged, conflict = _step(field, record.get(field), cell, ancestry.get(field, set()))
            record[field] = merged
            if conflict is not None:
                conflicts.append(conflict)
                # The value is the winner's alone now, which descends from its base
                # and from what the fold has not seen, not from the loser's texts.
                ancestry[field] = set()
            ancestry.setdefault(field, set()).update(
                text for text in (cell.base, cell.value, merged.value) if isinstance(text, str)
            )
    return record, conflicts


def _in_hlc_order(operations: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each operation once (its HLC names it), oldest first: the HLC string ends with the
    writer's node id, so its order is (HLC, node id)."""
    return sorted(
        {operation["hlc"]: operation for operation in operations}.values(),
        key=lambda operation: operation["hlc"],
    )


def _step(
    field: str, current: Cell | None, incoming: Cell, ancestry: set[str]
) -> tuple[Cell, Conflict | None]:
    """One step of the fold: `incoming` is the newest write so far."""
    if current is None:
        return incoming, None
    merged, conflict = merge_cell(field, current, incoming)
    if conflict is not None and _textual(conflict) and incoming.base in ancestry:
        rebased = merge_text(incoming.base, current.value, incoming.value)
        if rebased is not None:
            return Cell(rebased, incoming.hlc, incoming.base), None
    return merged, conflict


def conflict_key(field: str, winner: dict[str, Any], loser: dict[str, Any]) -> str:
    """What tells one conflict from another (its sides as `side` gives them): a fold that
    finds it again finds the same conflict, not a new one."""
    return json.dumps([field, winner, loser], sort_keys=True)


def operation_cells(operation: dict[str, Any]) -> Record:
    """The cells one wire-format operation writes (unibos.sync.batch checked its shape)."""
    hlc, base = operation["hlc"], operation["base"]
    if operation["kind"] == "delete":
        return {DELETED: Cell(True, hlc, base.get(DELETED, UNSEEN))}
    fields = {DELETED: False, **operation["fields"]}
    return {name: Cell(value, hlc, base.get(name, UNSEEN)) for name, value in fields.items()}


def values(record: Record) -> dict[str, Any] | None:
    """What a reader sees: the field values, or None for a deleted record."""
    if not record or record.get(DELETED, Cell(False, "")).value:
        return None
    return {name: cell.value for name, cell in record.items() if name != DELETED}


def merge_text(base: str, ours: str, theirs: str) -> str | None:
    """Three-way line merge; None when both sides changed the same or adjacent lines.

    Symmetric in `ours` and `theirs`, so every replica merges to the same text.
    """
    base_lines = base.splitlines(keepends=True)
    changes = sorted(
        [(*change, 0) for change in _changes(base_lines, ours)]
        + [(*change, 1) for change in _changes(base_lines, theirs)],
        key=lambda change: (change[0], change[1], change[3], change[2]),
    )
    result: list[str] = []
    position = 0
    for group in _overlapping(changes):
        start = min(change[0] for change in group)
        end = max(change[1] for change in group)
        sides = {
            "".join(_rewritten(base_lines, start, end, [c for c in group if c[3] == side]))
            for side in {change[3] for change in group}
        }
        if len(sides) > 1:
            return None
        result.extend(base_lines[position:start])
        result.append(sides.pop())
        position = end
    result.extend(base_lines[position:])
    return "".join(result)


def _changes(base_lines: list[str], text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """Each change of `text` against the base: (start, end) in the base, the new lines."""
    lines = text.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, base_lines, lines, autojunk=False)
    return [
        (i1, i2, tuple(lines[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _overlapping(changes: Iterable[tuple]) -> list[list[tuple]]:
    """Changes grouped where they overlap or touch: a group is one region of the base."""
    groups: list[list[tuple]] = []
    end = -1
    for change in changes:
        if groups and change[0] <= end:
            groups[-1].append(change)
            end = max(end, change[1])
        else:
            groups.append([change])
            end = change[1]
    return groups


def _rewritten(base_lines: list[str], start: int, end: int, changes: list[tuple]) -> list[str]:
    """Base lines start..end with one side's changes in that region applied."""
    lines: list[str] = []
    position = start
    for change_start, change_end, new_lines, _ in changes:
        lines.extend(base_lines[position:change_start])
        lines.extend(new_lines)
        position = change_end
    lines.extend(base_lines[position:end])
    return lines


def side(cell: Cell) -> dict[str, Any]:
    """One side of a conflict record: the value, its HLC and the node that wrote it."""
    return {"value": cell.value, "hlc": cell.hlc, "node_id": cell.hlc.split(":", 2)[2]}


def chosen(keep: str, winner: dict[str, Any], loser: dict[str, Any], merged: Any) -> Any:
    """The value a person's resolution keeps: the winner's (`local`), the loser's
    (`remote`) or their own (`merged`)."""
    return {"local": winner["value"], "remote": loser["value"]}.get(keep, merged)


def write_of(field: str, value: Any) -> tuple[str, dict[str, Any]]:
    """The operation (kind, fields) that sets `field` to `value`; the tombstone field
    is set by a delete, or cleared by a put that writes nothing else."""
    if field == DELETED:
        return ("delete" if value else "put"), {}
    return "put", {field: value}


def encode(record: Record) -> dict[str, list[Any]]:
    return {field: [cell.value, cell.hlc, cell.base] for field, cell in record.items()}


def decode(cells: dict[str, list[Any]]) -> Record:
    return {field: Cell(*cell) for field, cell in cells.items()}
