from pathlib import Path
from typing import TYPE_CHECKING, Any

from celery import shared_task

from unibos.core.datafiles import resolve_input

if TYPE_CHECKING:
    from PIL import Image

# Pillow, pypdfium2 (PDFium) and pytesseract are imported by the task that uses them,
# not with this module: every worker imports every task module, and a Pi Zero 2 W's
# node worker should not hold them until it runs such a task.

# Tesseract is trained on text scanned at about 300 dpi; PDF points are 1/72 inch.
PDF_RENDER_SCALE = 300 / 72
PDF_MAGIC = b"%PDF-"


def _is_pdf(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(PDF_MAGIC)) == PDF_MAGIC


def _page_of_pdf(path: Path, page: int) -> "Image.Image":
    import pypdfium2  # noqa: PLC0415

    document = pypdfium2.PdfDocument(path)
    try:
        if not 0 <= page < len(document):
            raise ValueError(f"page {page} is not in {path.name}, which has {len(document)} pages")
        return document[page].render(scale=PDF_RENDER_SCALE).to_pil()
    finally:
        document.close()


def _page_of_image(path: Path, page: int) -> "Image.Image":
    from PIL import Image  # noqa: PLC0415

    image = Image.open(path)
    frames = getattr(image, "n_frames", 1)
    if not 0 <= page < frames:
        raise ValueError(f"page {page} is not in {path.name}, which has {frames} pages")
    image.seek(page)
    return image


@shared_task(name="ocr.extract_text")
def extract_text(path: str, lang: str = "eng", page: int = 0) -> dict[str, Any]:
    """The text Tesseract reads on one page of an image or a PDF in the data dir."""
    import pytesseract  # noqa: PLC0415

    source = resolve_input(path)
    image = _page_of_pdf(source, page) if _is_pdf(source) else _page_of_image(source, page)
    text = pytesseract.image_to_string(image, lang=lang)
    return {"text": text.strip(), "path": str(source), "lang": lang, "page": page}
