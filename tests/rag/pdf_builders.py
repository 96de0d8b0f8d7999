"""PDFs as officials have them, built by the tests: an e-signed PDF whose number and day are
signature-widget appearances, a scan with a stamp above its header, a text layer with a broken
font map, and a scan carrying a garbled OCR layer."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def _canvas_pdf(draw) -> bytes:  # noqa: ANN001 - draw(canvas) callback
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def _widget(writer: PdfWriter, rect: tuple[float, float, float, float], text: str) -> DictionaryObject:
    """A /Widget /Sig annotation whose appearance stream draws ``text`` (Helvetica, ASCII)."""
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    width, height = rect[2] - rect[0], rect[3] - rect[1]
    appearance = DecodedStreamObject()
    appearance.set_data(f"BT /Helv 11 Tf 1 4 Td ({text}) Tj ET".encode("latin-1"))
    appearance.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                [FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)]
            ),
            NameObject("/Resources"): DictionaryObject(
                {NameObject("/Font"): DictionaryObject({NameObject("/Helv"): font})}
            ),
        }
    )
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/T"): TextStringObject(f"Signature{text}"),
            NameObject("/F"): NumberObject(4),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
        }
    )


def esigned_pdf(path: Path) -> Path:
    """A plan whose number "58" and day "14" exist only as signature-widget appearances."""

    def draw(c) -> None:  # noqa: ANN001
        c.setFont("DejaVuSans", 11)
        c.drawString(60, 790, "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI")
        c.drawString(300, 790, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        c.drawString(330, 775, "Độc lập - Tự do - Hạnh phúc")
        c.drawString(60, 750, "Số:          /KH-UBND")
        c.drawString(300, 750, "Quảng Ngãi, ngày          tháng 4 năm 2026")
        c.drawString(250, 710, "KẾ HOẠCH")
        c.drawString(150, 695, "Triển khai chuyển đổi số năm 2026")
        c.drawString(60, 660, "I. MỤC ĐÍCH")
        c.drawString(60, 645, "1. Hoàn thành cơ sở dữ liệu đất đai trước ngày 30/9/2026.")
        c.drawString(60, 630, "Đơn vị thực hiện: Sở Nông nghiệp và Môi trường.")
        c.drawString(330, 580, "KT. CHỦ TỊCH")
        c.drawString(330, 565, "PHÓ CHỦ TỊCH")
        c.drawString(330, 520, "Trần Phước Hiền")

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_canvas_pdf(draw))))
    page = writer.pages[0]
    # Where the e-office system stamps them: right after "Số:" and after "ngày".
    annots = [_widget(writer, (82, 746, 110, 762), "58"), _widget(writer, (408, 746, 428, 762), "14")]
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(a) for a in annots])
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def broken_font_map_pdf(path: Path) -> Path:
    """A decision whose text layer writes every "Đ" as "ð" and every "đ" as "ñ" (a publisher's font)."""
    lines = [
        (60, 790, "ỦY BAN NHÂN DÂN"),
        (300, 790, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        (60, 775, "THÀNH PHỐ HỒ CHÍ MINH"),
        (330, 775, "ðộc lập - Tự do - Hạnh phúc"),
        (60, 750, "Số: 1351/Qð-UBND"),
        (300, 750, "Thành phố Hồ Chí Minh, ngày 09 tháng 9 năm 2025"),
        (250, 710, "QUYẾT ðỊNH"),
        (120, 695, "Về việc công bố thủ tục hành chính lĩnh vực ñất ñai"),
        (60, 660, "ðiều 1. Công bố kèm theo Quyết ñịnh này danh mục thủ tục hành chính ñược sửa ñổi."),
        (60, 645, "ðiều 2. Quyết ñịnh này có hiệu lực kể từ ngày ký."),
        (330, 600, "KT. CHỦ TỊCH"),
        (330, 585, "PHÓ CHỦ TỊCH"),
        (330, 540, "Nguyễn Mạnh Cường"),
    ]

    def draw(c) -> None:  # noqa: ANN001
        c.setFont("DejaVuSans", 10)
        for x, y, text in lines:
            c.drawString(x, y, text)

    path.write_bytes(_canvas_pdf(draw))
    return path


def _page_image(lines: list[tuple[int, int, str, int, str]], size: tuple[int, int] = (2480, 3508)):  # noqa: ANN202
    """An A4 page at 300 dpi: (x, y, text, font size, colour) per line."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    for x, y, text, px, colour in lines:
        font = ImageFont.truetype(str(FONT_BOLD if colour != "black" or px > 44 else FONT), px)
        draw.text((x, y), text, fill=colour, font=font)
    return img


STAMPED_LINES = [
    # stamps printed above the header: a red copy stamp ("SAO Y") and a blue receipt stamp
    (1500, 90, "SAO Y", 56, "#c00000"),
    (1500, 170, "Cơ quan phát hành: Văn phòng Bộ", 40, "#1f3a93"),
    (1500, 230, "Thời gian ký: 09.10.2025 16:52", 40, "#1f3a93"),
    (200, 420, "BỘ CÔNG AN", 46, "black"),
    (1150, 420, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 46, "black"),
    (1380, 490, "Độc lập - Tự do - Hạnh phúc", 44, "black"),
    (200, 600, "Số: 4552/BCA-C04", 44, "black"),
    (1280, 600, "Hà Nội, ngày 09 tháng 10 năm 2025", 44, "black"),
    (1050, 760, "KẾ HOẠCH", 56, "black"),
    (640, 840, "Rà soát các cơ sở cai nghiện ma túy năm 2025", 44, "black"),
    (200, 1000, "1. Công an các tỉnh gửi kết quả rà soát trước ngày 15/10/2025.", 42, "black"),
    (200, 1080, "2. Cục Cảnh sát điều tra tội phạm về ma túy tổng hợp báo cáo.", 42, "black"),
    (1400, 1300, "KT. BỘ TRƯỞNG", 46, "black"),
    (1450, 1370, "THỨ TRƯỞNG", 46, "black"),
    (1300, 1620, "Thượng tướng Nguyễn Văn Long", 46, "black"),
]


def stamped_scan_pdf(path: Path, *, turned: float = 0.0) -> Path:
    """An image-only page (300 dpi) with a red copy stamp drawn above the header; ``turned``:
    degrees the sheet was turned on the scanner (90 = sideways, 3 = a slight skew)."""
    image = _page_image(STAMPED_LINES)
    if turned:
        image = image.rotate(turned, expand=True, fillcolor="white")
    image.save(path, "PDF", resolution=300.0)
    return path


def garbled_layer_pdf(path: Path) -> Path:
    """A scan with an invisible OCR layer made without Vietnamese (as some scanners write one)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = _page_image([(x, y, t, px, "black") for x, y, t, px, _ in STAMPED_LINES[3:]])
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
    text = c.beginText(60, 780)
    text.setTextRenderMode(3)  # invisible, as OCR layers are
    text.setFont("Helvetica", 10)
    for line in (
        "BQ CONG AN CQNG ROA xA HOI CHU NGHiA VItT NAM",
        "Doc lap - Tu do - Hanh phuc S5: 4~52IBCA-C04 Ha NQi, ngay 09 thang 1O nam 2825",
        "KE HQACH Ra soat cac co so cai nghien ma tuy nam 2O25",
        "1. Cong an cac tinh gui ket qua ra soat truoc ngay 15I1OI2O25.",
        "2. Cuc Canh sat dieu tra toi pham ve ma tuy tong hop bao cao.",
        "KT. BQ TRUONG THU TRUONG Thuong tuong Nguyen Van Long",
    ):
        text.textLine(line)
    c.drawText(text)
    c.showPage()
    c.save()
    path.write_bytes(buf.getvalue())
    return path
