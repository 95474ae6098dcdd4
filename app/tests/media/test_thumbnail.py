from pathlib import Path

import pytest
from PIL import Image


def test_a_thumbnail_is_exactly_the_requested_size(call_task, data_dir):
    # A red square centred on a wide blue image: fit-and-crop keeps the centre.
    image = Image.new("RGB", (800, 400), "blue")
    image.paste(Image.new("RGB", (400, 400), "red"), (200, 0))
    image.save(data_dir / "wide.png")

    result = call_task("media.thumbnail", path="wide.png", width=100, height=100)

    output = Path(result["path"])
    assert output.parent == data_dir / "derived"
    with Image.open(output) as thumbnail:
        assert thumbnail.size == (100, 100)
        assert thumbnail.format == "JPEG"
        red, _green, blue = thumbnail.getpixel((50, 50))
        assert red > 200 and blue < 50
    assert (result["width"], result["height"]) == (100, 100)


def test_a_thumbnail_with_transparency_stays_png(call_task, data_dir):
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(data_dir / "clear.png")

    result = call_task("media.thumbnail", path="clear.png", width=40, height=30)

    with Image.open(result["path"]) as thumbnail:
        assert (thumbnail.format, thumbnail.mode, thumbnail.size) == ("PNG", "RGBA", (40, 30))


def test_a_non_positive_size_is_refused_naming_it(call_task, data_dir):
    Image.new("RGB", (10, 10)).save(data_dir / "tiny.png")

    with pytest.raises(ValueError, match=r"^height must be a positive integer"):
        call_task("media.thumbnail", path="tiny.png", width=10, height=0)
