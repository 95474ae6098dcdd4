"""Task dependencies as Celery canvas: a chain hands over from a media task to a core
task, each routed to its own queue, and a chord runs its callback once after every task
of its group; real worker, late acknowledgement."""

import uuid
from pathlib import Path

from celery import chain, chord, group
from PIL import Image
from unibos.celery import app
from unibos.core.tasks import DRILL_KEY_PREFIX

WAIT_SECONDS = 60


def test_a_chain_runs_a_media_step_then_a_core_step_each_on_its_queue(worker, data_dir, redis_db):
    Image.new("RGB", (120, 80), "blue").save(data_dir / "chain.png")
    mark = f"chain-{uuid.uuid4()}"

    last = chain(
        app.signature("media.thumbnail", kwargs={"path": "chain.png", "width": 32, "height": 24}),
        # Immutable: the drill does not take the thumbnail's result as an argument.
        app.signature("core.drill", kwargs={"mark": mark}, immutable=True),
    ).apply_async()
    drilled = last.get(timeout=WAIT_SECONDS)
    thumbnail = last.parent.get(timeout=WAIT_SECONDS)

    assert (last.parent.queue, last.queue) == ("media", "default")
    assert last.parent.date_done <= last.date_done
    assert {last.parent.worker, last.worker} == {worker["name"]}
    assert (thumbnail["width"], thumbnail["height"]) == (32, 24)
    assert Path(thumbnail["path"]).parent == data_dir / "derived"
    assert drilled == {"task_id": last.id, "seconds": 0, "mark": mark}
    assert redis_db.lrange(f"{DRILL_KEY_PREFIX}{mark}", 0, -1) == [last.id]


def test_a_chord_calls_back_once_after_its_whole_group(worker, redis_db):
    mark = f"chord-{uuid.uuid4()}"
    header = group(app.signature("core.drill", kwargs={"mark": mark}) for _ in range(3))
    body = app.signature("core.drill", kwargs={"mark": f"{mark}-callback"}, immutable=True)

    callback = chord(header)(body)
    called = callback.get(timeout=WAIT_SECONDS)
    members = callback.parent.results
    results = [member.get(timeout=WAIT_SECONDS) for member in members]

    assert called == {"task_id": callback.id, "seconds": 0, "mark": f"{mark}-callback"}
    assert redis_db.lrange(f"{DRILL_KEY_PREFIX}{mark}-callback", 0, -1) == [callback.id]
    assert results == [{"task_id": member.id, "seconds": 0, "mark": mark} for member in members]
    assert sorted(redis_db.lrange(f"{DRILL_KEY_PREFIX}{mark}", 0, -1)) == sorted(
        member.id for member in members
    )
    assert max(member.date_done for member in members) <= callback.date_done
    assert {member.queue for member in members} | {callback.queue} == {"default"}
