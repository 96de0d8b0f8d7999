"""Hostile files for the reliability tests, generated on the fly (nothing hostile is stored)."""

from __future__ import annotations

import io
import zipfile
import zlib


def build_pdf(objects: list[bytes]) -> bytes:
    """A well-formed PDF (correct xref) from object bodies; object 1 must be the catalog."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pages(page_bodies: list[bytes], extra: list[bytes] | None = None) -> bytes:
    """Catalog, page tree and pages; ``extra`` objects follow the pages (numbered after them)."""
    first = 3
    kids = b" ".join(b"%d 0 R" % (first + i) for i in range(len(page_bodies)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_bodies)),
        *page_bodies,
        *(extra or []),
    ]
    return build_pdf(objects)


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"


def many_pages(count: int = 50_000) -> bytes:
    return _pages([PAGE] * count)


def deep_nesting(depth: int = 100_000) -> bytes:
    nested = b"[" * depth + b"]" * depth
    return _pages([b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Foo " + nested + b" >>"])


def deep_dicts(depth: int = 50_000) -> bytes:
    nested = b"<< /A " * depth + b"1" + b" >>" * depth
    return _pages([b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources " + nested + b" >>"])


def giant_image(side: int = 60_000) -> bytes:
    """One page drawing an image that claims side x side 8-bit pixels (a decompression bomb's header)."""
    data = zlib.compress(b"\x00" * 1_000_000, 9)
    content = b"q 612 0 0 792 0 0 cm /Im1 Do Q"
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"
    )
    stream = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)
    image = (
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /BitsPerComponent 8 "
        b"/ColorSpace /DeviceGray /Filter /FlateDecode /Length %d >>\nstream\n"
        % (side, side, len(data))
        + data
        + b"\nendstream"
    )
    return _pages([page], [stream, image])


def giant_page(side_pt: int = 14_400) -> bytes:
    """A blank page 200 inches square: rendering it for OCR at 300 dpi needs gigabytes."""
    return _pages([b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] >>" % (side_pt, side_pt)])


def text_pdf(text: str) -> bytes:
    """A real one-page PDF with a text layer (reportlab, DejaVu for Vietnamese)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("DejaVu", 11)
    y = 800
    for line in text.splitlines():
        c.drawString(50, y, line)
        y -= 16
    c.save()
    return buf.getvalue()


def encrypted_pdf(text: str = "Kế hoạch số 1/KH-UBND") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(text_pdf(text))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>" * 100)
    return buf.getvalue()
