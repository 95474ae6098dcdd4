import pytest
from PIL import Image


@pytest.fixture
def photo(data_dir):
    Image.new("RGB", (1200, 800), "green").save(data_dir / "photo.jpg")
    return "photo.jpg"


def test_resize_keeps_the_aspect_ratio_without_a_height(call_task, photo):
    result = call_task("media.resize", path=photo, width=300)

    with Image.open(result["path"]) as resized:
        assert resized.size == (300, 200)


def test_resize_uses_both_sides_when_given(call_task, photo):
    result = call_task("media.resize", path=photo, width=300, height=300)

    with Image.open(result["path"]) as resized:
        assert resized.size == (300, 300)


def test_resize_refuses_a_path_outside_the_data_dir(call_task):
    with pytest.raises(ValueError, match=r"^path '\.\./escape\.jpg' is"):
        call_task("media.resize", path="../escape.jpg", width=10)
