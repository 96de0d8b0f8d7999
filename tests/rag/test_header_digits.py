"""The second reading of a header's written-in number and day (PP-OCR recogniser from its wheel)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import header_digits
from rag.pdf_text import Word

pytestmark = pytest.mark.skipif(not header_digits.available(), reason="rapidocr-onnxruntime not installed")

FONTS = Path("/usr/share/fonts/truetype/dejavu")
PRINT = FONTS / "DejaVuSerif.ttf"
PEN = FONTS / "DejaVuSans-Oblique.ttf"  # no hand font is installed: a slanted sans in blue ink


def _header(number: str, day: str):  # -> (image, words)
    from PIL import Image, ImageDraw, ImageFont

    width, height = 1600, 600
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    printed, pen = ImageFont.truetype(str(PRINT), 34), ImageFont.truetype(str(PEN), 44)
    words: list[Word] = []

    def put(text: str, x: int, y: int, line: int, font=printed, fill="black", word=True) -> int:
        for part in text.split():  # one box per word, as Tesseract gives them
            draw.text((x, y), part, font=font, fill=fill)
            x0, y0, x1, y1 = draw.textbbox((x, y), part, font=font)
            if word:
                words.append(Word(part, x0 / width, y0 / height, x1 / width, y1 / height, line=line))
            x = x1 + 12
        return x - 12

    end = put("Số:", 60, 100, 0)
    end = put(number, end + 20, 92, 0, pen, (20, 40, 170), word=False)
    put("/KH-SXD", end + 4, 100, 0)
    end = put("Hà Nội, ngày", 700, 100, 0)
    end = put(day, end + 25, 92, 0, pen, (20, 40, 170), word=False)
    put("tháng 3 năm 2026", end + 25, 100, 0)
    # A red seal's ring over the printed words beside the digits (one crossing a digit can hide
    # it: a reading here is one source, never trusted alone — rag/parser/provenance.py).
    draw.ellipse((-120, 20, 110, 250), outline=(215, 30, 40), width=7)
    draw.ellipse((1180, 30, 1400, 250), outline=(215, 30, 40), width=7)
    return image, words


def test_slots_lie_between_the_printed_words() -> None:
    _, words = _header("418", "17")
    found = header_digits.slots(words)
    assert set(found) == {"number", "day"}
    so, code = words[0], words[1]
    assert found["number"][0] == so.x1 and found["number"][2] <= code.x0 + 0.01
    assert header_digits.slots([w for w in words if w.text != "Số:"]).keys() == {"day"}


@pytest.mark.parametrize(("number", "day"), [("418", "17"), ("2950", "29")])
def test_written_digits_are_read_under_a_red_seal(number: str, day: str) -> None:
    image, words = _header(number, day)
    assert header_digits.read_header(image, words) == {"number": number, "day": day}


def test_an_empty_slot_reads_nothing() -> None:
    image, words = _header("", "")
    assert header_digits.read_header(image, words) == {}
