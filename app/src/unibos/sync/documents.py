"""Documents several people edit at once: CRDT fields, Yjs updates through pycrdt.

A document field's value is `{"$crdt": <base64 Yjs update>}`. The operation of an edit
carries the update that edit made; a record holds the merge of every update it has
seen. Merging Yjs updates is a union of edits, so replicas agree whatever the order and
however often updates arrive: concurrent edits of one text all survive, and there is
no conflict to resolve. Merged updates are encoded canonically, so replicas agree byte
for byte, not only in content.

Editors that speak Yjs send updates; simpler clients splice the root text `text`, which
is also what a reader that is not a Yjs editor sees.
"""

import base64
import binascii
from typing import Any

import pycrdt

KEY = "$crdt"
TEXT_ROOT = "text"


def is_document(value: Any) -> bool:
    return isinstance(value, dict) and KEY in value


def document(update: bytes) -> dict[str, str]:
    return {KEY: base64.b64encode(update).decode("ascii")}


def update_of(value: dict[str, str]) -> bytes:
    return base64.b64decode(value[KEY])


def join(left: dict[str, str], right: dict[str, str]) -> dict[str, str]:
    """The document holding both sides' edits."""
    return document(pycrdt.merge_updates(update_of(left), update_of(right)))


def problem(value: dict[str, Any]) -> str | None:
    """Why `value` is not a document field's value, or None when it is one."""
    if set(value) != {KEY} or not isinstance(value[KEY], str):
        return f'must be {{"{KEY}": "<base64 Yjs update>"}} and nothing else'
    try:
        update = base64.b64decode(value[KEY], validate=True)
    except binascii.Error:
        return f"{KEY}: not base64"
    try:
        pycrdt.Doc().apply_update(update)
    except ValueError as error:
        return f"{KEY}: not a Yjs update ({error})"
    return None


def _loaded(value: dict[str, str] | None) -> pycrdt.Doc:
    doc = pycrdt.Doc()
    if value is not None:
        doc.apply_update(update_of(value))
    return doc


def text(value: dict[str, str]) -> str:
    return str(_loaded(value).get(TEXT_ROOT, type=pycrdt.Text))


def splice(value: dict[str, str] | None, at: int, delete: int, insert: str) -> bytes:
    """The update that deletes `delete` characters of the text at `at` and inserts
    `insert` there, made on top of `value` (None: a new document).

    Raises ValueError naming the bound when `at` or `delete` fall outside the text.
    """
    doc = _loaded(value)
    content = doc.get(TEXT_ROOT, type=pycrdt.Text)
    length = len(content)
    if not 0 <= at <= length:
        raise ValueError(f"at: must be from 0 to the text's length, {length}")
    if not 0 <= delete <= length - at:
        raise ValueError(f"delete: must be from 0 to {length - at}, what follows `at`")
    before = doc.get_state()
    with doc.transaction():
        if delete:
            del content[at : at + delete]
        if insert:
            content.insert(at, insert)
    return doc.get_update(before)
