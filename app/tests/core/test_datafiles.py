import pytest
from unibos.core.datafiles import output_path, resolve_input


def test_a_relative_path_resolves_inside_the_data_dir(tmp_path):
    (tmp_path / "in.png").write_bytes(b"x")

    assert resolve_input("in.png", tmp_path) == tmp_path / "in.png"
    assert resolve_input(str(tmp_path / "in.png"), tmp_path) == tmp_path / "in.png"


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.txt", "link"])
def test_a_path_outside_the_data_dir_is_refused_naming_path(tmp_path, path):
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "outside.txt").write_text("secret")
    (data / "link").symlink_to(tmp_path / "outside.txt")

    with pytest.raises(ValueError, match=r"^path .* is outside UNIBOS_DATA_DIR"):
        resolve_input(path, data)


def test_a_missing_input_is_refused_naming_path(tmp_path):
    with pytest.raises(ValueError, match=r"^path 'absent.png' is not a file"):
        resolve_input("absent.png", tmp_path)


def test_outputs_go_to_derived_named_after_the_task(tmp_path):
    assert output_path("abc", "jpg", tmp_path) == tmp_path / "derived" / "abc.jpg"
    assert (tmp_path / "derived").is_dir()
