import pytest
from PIL import Image, ImageDraw, ImageFont

SENTENCE = "The quick brown fox jumps over the lazy dog"


def page_with(text: str) -> Image.Image:
    image = Image.new("RGB", (1400, 200), "white")
    ImageDraw.Draw(image).text((40, 60), text, fill="black", font=ImageFont.load_default(size=48))
    return image


def test_text_is_read_back_from_an_image(call_task, data_dir):
    page_with(SENTENCE).save(data_dir / "sentence.png")

    result = call_task("ocr.extract_text", path="sentence.png")

    assert result["text"] == SENTENCE
    assert result["path"] == str(data_dir / "sentence.png")


def test_text_is_read_back_from_the_requested_pdf_page(call_task, data_dir):
    first, second = page_with("First page here"), page_with(SENTENCE)
    first.save(data_dir / "two-pages.pdf", save_all=True, append_images=[second], resolution=150)

    result = call_task("ocr.extract_text", path=str(data_dir / "two-pages.pdf"), page=1)

    assert result["text"] == SENTENCE
    assert result["page"] == 1


def test_a_page_beyond_the_document_is_refused(call_task, data_dir):
    page_with(SENTENCE).save(data_dir / "one-page.pdf", resolution=150)

    with pytest.raises(ValueError, match=r"page 3 is not in one-page\.pdf, which has 1 pages"):
        call_task("ocr.extract_text", path="one-page.pdf", page=3)


def test_a_path_outside_the_data_dir_is_refused(call_task):
    with pytest.raises(ValueError, match=r"^path '/etc/hostname' is outside UNIBOS_DATA_DIR"):
        call_task("ocr.extract_text", path="/etc/hostname")
