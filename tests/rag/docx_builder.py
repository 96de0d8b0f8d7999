"""Build small DOCX plans for tests: python-docx for the body, hand-written XML for the rest.

python-docx cannot write list definitions of our choosing or footnotes, so the saved zip is
rewritten: ``word/numbering.xml`` replaced, ``word/footnotes.xml`` added with its
relationship and content type.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# numId 1: "I." / "1." / "a)" / "-"; numId 2: a plain "1." list (task table STT column).
NUMBERING_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W_NS}">
  <w:abstractNum w:abstractNumId="0">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
    <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="1">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>
"""

FOOTNOTES_REL = (
    '<Relationship Id="rIdFootnotes" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" '
    'Target="footnotes.xml"/>'
)
FOOTNOTES_TYPE = (
    '<Override PartName="/word/footnotes.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
)


def footnotes_xml(notes: dict[int, str]) -> str:
    body = "".join(
        f'<w:footnote w:id="{fid}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}'
        "</w:t></w:r></w:p></w:footnote>"
        for fid, text in notes.items()
    )
    # Word always writes the separator notes (ids -1 and 0); the loader must skip them.
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
        f"</w:p></w:footnote>{body}</w:footnotes>"
    )


def number(paragraph: Any, level: int, num_id: int = 1) -> Any:
    """Give a python-docx paragraph Word list numbering (numId, ilvl)."""
    from docx.oxml import parse_xml

    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(
        parse_xml(f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )
    return paragraph


def footnote_reference(paragraph: Any, footnote_id: int) -> None:
    from docx.oxml import parse_xml

    paragraph._p.append(parse_xml(f'<w:r xmlns:w="{W_NS}"><w:footnoteReference w:id="{footnote_id}"/></w:r>'))


def save(document: Any, path: Path, *, footnotes: dict[int, str] | None = None) -> Path:
    """Save with our numbering definitions (and footnotes part when given)."""
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/numbering.xml":
                data = NUMBERING_XML.encode("utf-8")
            elif footnotes and info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", FOOTNOTES_REL.encode() + b"</Relationships>")
            elif footnotes and info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", FOOTNOTES_TYPE.encode() + b"</Types>")
            out.writestr(info.filename, data)
        if footnotes:
            out.writestr("word/footnotes.xml", footnotes_xml(footnotes).encode("utf-8"))
    return path


TASKS = [
    ("Xây dựng kho dữ liệu dùng chung của tỉnh", "Sở Tài chính", "Các sở, ngành", "Quý III năm 2026"),
    ("Đào tạo kỹ năng số cho cán bộ cấp xã", "Sở Nội vụ", "UBND các xã, phường", "Thường xuyên"),
    (
        "Nâng cấp hệ thống giám sát an toàn thông tin của tỉnh",
        "Công an tỉnh",
        "Sở Khoa học và Công nghệ",
        "Tháng 12 năm 2026",
    ),
    ("Tuyên truyền về chuyển đổi số", "Báo Quảng Ngãi", "Đài Phát thanh", "Hằng tháng"),
]


def plan_document(path: Path) -> Path:
    """A Kế hoạch as Word writes it: header table, numbered headings, a task table, a footnote, signature."""
    import docx

    document = docx.Document()
    header = document.add_table(rows=2, cols=2)
    left, right = header.rows[0].cells
    left.text = "ỦY BAN NHÂN DÂN"
    left.add_paragraph("TỈNH QUẢNG NGÃI")
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    header.rows[1].cells[0].text = "Số: 77/KH-UBND"
    header.rows[1].cells[1].text = "Quảng Ngãi, ngày 12 tháng 5 năm 2026"
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Triển khai chuyển đổi số năm 2026")
    intro = document.add_paragraph("Thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị")
    footnote_reference(intro, 1)
    intro.add_run(", Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:")
    number(document.add_paragraph("MỤC ĐÍCH, YÊU CẦU"), 0)
    number(document.add_paragraph("Mục đích"), 1)
    number(document.add_paragraph("Nâng cao hiệu quả quản lý nhà nước bằng công nghệ số."), 2)
    number(document.add_paragraph("Bảo đảm an toàn thông tin trong cơ quan nhà nước."), 2)
    number(document.add_paragraph("Yêu cầu"), 1)
    number(document.add_paragraph("Nhiệm vụ cụ thể, có cơ quan chủ trì và thời hạn."), 3)
    number(document.add_paragraph("NHIỆM VỤ"), 0)
    document.add_paragraph("Các nhiệm vụ cụ thể như sau:")
    table = document.add_table(rows=1, cols=5)
    for cell, label in zip(
        table.rows[0].cells,
        ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"),
        strict=True,
    ):
        cell.text = label
    for task in TASKS:
        cells = table.add_row().cells
        number(cells[0].paragraphs[0], 0, num_id=2)  # STT by Word numbering, as clerks do
        for cell, value in zip(cells[1:], task, strict=True):
            cell.text = value
    number(document.add_paragraph("TỔ CHỨC THỰC HIỆN"), 0)
    document.add_paragraph("Các sở, ngành báo cáo kết quả trước ngày 15 tháng 12 năm 2026.")
    signature = document.add_table(rows=1, cols=2)
    recipients, signer = signature.rows[0].cells
    recipients.text = "Nơi nhận:"
    recipients.add_paragraph("- Các sở, ngành;")
    recipients.add_paragraph("- Lưu: VT.")
    signer.text = "TM. ỦY BAN NHÂN DÂN"
    signer.add_paragraph("CHỦ TỊCH")
    signer.add_paragraph("Nguyễn Văn B")
    return save(document, path, footnotes={1: "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị."})
