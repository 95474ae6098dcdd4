"""Tesseract on the ocr worker reads back a sentence rendered into an image."""

import pytest
from conftest import DATA_DIR

SENTENCE = "The quick brown fox jumps over the lazy dog"


# Sent from the host of the ocr worker, which reads the image there.
pytestmark = pytest.mark.on("worker_ocr")


def read_back_a_rendered_sentence(stack) -> str:
    """Render SENTENCE into an image on the host, have the ocr worker read it (through
    ocr.extract_text) and return its text with the whitespace normalised."""
    path = f"{DATA_DIR}/ocr-sentence.png"
    stack.python(
        "from PIL import Image, ImageDraw, ImageFont\n"
        "font = ImageFont.load_default(size=40)\n"
        "img = Image.new('L', (1100, 120), 255)\n"
        f"ImageDraw.Draw(img).text((20, 30), {SENTENCE!r}, fill=0, font=font)\n"
        f"img.save({path!r})\n"
    )
    record = stack.call("ocr.extract_text", path=path)
    assert record["worker"] == f"ocr@{stack.hostname}", record
    return " ".join(record["result"]["text"].split())


def test_extract_text_reads_back_the_rendered_sentence(stack):
    assert read_back_a_rendered_sentence(stack) == SENTENCE
