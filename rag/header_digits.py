"""A second reading of a scan's handwritten header digits: the "Số: …/" number and the day.

Offices write the number and the day by hand into the printed "Số:      /KH-DCT" and
"ngày    tháng 6 năm 2026" after signing. Tesseract, trained on print, reads such digits as
letters or skips them. A second recogniser, PaddleOCR's PP-OCRv4 line recogniser (a CTC model
trained on handwritten and scene text too), reads the slots between the printed words whose
boxes Tesseract gives: after "Số" up to the code's slash, and between "ngày" and "tháng".

- The model comes inside the ``rapidocr-onnxruntime`` wheel (the ``handwriting`` extra in
  pyproject.toml); only its ONNX file is used, run with onnxruntime: nothing is downloaded, and
  without the package there is simply no second reading.
- Its output is restricted to digits at every step (a CTC decode over the blank and 0-9 only),
  so "S" for a "5" cannot come out.
- A reading is one source: the parser trusts a number only when it agrees with another
  (rag/parser/provenance.py), and a day read here stays shown as doubtful unless the page's own
  reading says the same. A day is kept only when every digit was read with ``DAY_MIN_CONF``.
- Cost: a slot is ≈ 20 ms of CPU; the page is rendered again (≈ 1 s at 300 dpi) only for a first
  page whose header has a slot, and the result is cached with the page's OCR.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.text import fold

if TYPE_CHECKING:
    from PIL import Image

    from rag.pdf_text import Word

MODEL_PACKAGE = "rapidocr_onnxruntime"
MODEL_FILE = "models/ch_PP-OCRv4_rec_infer.onnx"
VERSION = "ppocr-v4-rec-digits-2"  # part of the readings' cache key
LINE_HEIGHT = 48  # the recogniser's input height
HEADER_SHARE = 0.35  # the header block lies in the page's top third
DAY_MIN_CONF = 0.9
NUMBER_MIN_CONF = 0.5
INK_LEVEL = 160  # in the red channel: darker is ink (blue or black pen), lighter is paper or seal
RE_SO = re.compile(r"^s[o0]\s*:?$")


def model_path() -> Path | None:
    """The recogniser's ONNX file inside the installed wheel (the package is not imported: it needs OpenCV)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / MODEL_FILE
        if path.is_file():
            return path
    return None


def available() -> bool:
    return model_path() is not None


@functools.cache
def _session() -> tuple[Any, list[int], list[str]]:
    import onnxruntime as ort

    path = model_path()
    if path is None:
        raise RuntimeError("rapidocr-onnxruntime is not installed")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    chars = ["", *session.get_modelmeta().custom_metadata_map["character"].splitlines(), " "]
    keep = [0] + [i for i, c in enumerate(chars) if len(c) == 1 and c.isdigit() and c.isascii()]
    return session, keep, chars


def read_digits(image: Image.Image) -> tuple[str, float]:
    """The digits written in a crop of one line, and the lowest confidence among them."""
    import numpy as np
    from PIL import Image

    session, keep, chars = _session()
    rgb = image.convert("RGB")
    width = max(16, round(rgb.width * LINE_HEIGHT / max(1, rgb.height)))
    pixels = np.asarray(rgb.resize((width, LINE_HEIGHT), Image.Resampling.BILINEAR), dtype=np.float32)
    batch = ((pixels / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)[None]
    scores = session.run(None, {session.get_inputs()[0].name: batch})[0][0][:, keep]
    out, confs, prev = [], [], 0
    for step, conf in zip(scores.argmax(1), scores.max(1), strict=True):
        if step and step != prev:
            out.append(chars[keep[step]])
            confs.append(float(conf))
        prev = step
    return "".join(out), min(confs, default=0.0)


def slots(words: list[Word]) -> dict[str, tuple[float, float, float, float]]:
    """Boxes (page fractions) of the header's number and day slots, from the printed words around them."""
    lines: dict[int, list[Word]] = {}
    for w in words:
        if w.y0 < HEADER_SHARE:
            lines.setdefault(w.line, []).append(w)
    found: dict[str, tuple[float, float, float, float]] = {}
    for ws in lines.values():
        folded = [fold(w.text).lower() for w in ws]
        for i, word in enumerate(folded):
            if "number" not in found and RE_SO.match(word):
                code = next((ws[k] for k in range(i + 1, len(ws)) if "/" in ws[k].text), None)
                if code is not None:
                    cut = code.x0 + (code.x1 - code.x0) * code.text.index("/") / max(1, len(code.text))
                    found["number"] = (ws[i].x1, ws[i].y0, cut, ws[i].y1)
            if "day" not in found and word == "ngay":
                month = next((ws[k] for k in range(i + 1, len(ws)) if folded[k].startswith("thang")), None)
                if month is not None:
                    found["day"] = (ws[i].x1, ws[i].y0, month.x0, ws[i].y1)
    return found


def read_header(image: Image.Image, words: list[Word]) -> dict[str, str]:
    """The second reading of the header's handwritten number and day ({} when there is no slot)."""
    from PIL import Image

    from rag.ocr import drop_red_ink

    width, height = image.size
    out: dict[str, str] = {}
    for name, (x0, y0, x1, y1) in slots(words).items():
        line = (y1 - y0) * height
        box = (
            int(x0 * width) + 2,
            int(y0 * height - 0.8 * line),
            int(x1 * width) - 1,
            int(y1 * height + 0.5 * line),
        )
        if box[2] - box[0] < line / 2:
            continue
        # A red seal over the digits turns white in the red channel; what is left of its ring
        # (light grey) goes with a threshold. Both are read; the surer reading is kept.
        red = drop_red_ink(image.crop(box))
        pad = int(line)
        readings = []
        for crop in (red, red.point(lambda v: 255 if v > INK_LEVEL else v)):
            framed = Image.new("L", (crop.width + 2 * pad, crop.height), 255)
            framed.paste(crop, (pad, 0))  # the recogniser reads a line with margins
            readings.append(read_digits(framed))
        digits, conf = max(readings, key=lambda r: (r[1], len(r[0])))
        floor = DAY_MIN_CONF if name == "day" else NUMBER_MIN_CONF
        if digits and conf >= floor and (name != "day" or 1 <= int(digits) <= 31):
            out[name] = digits
    return out
