"""Pure parser: LoadedFile -> Document (metadata + clause tree) for Vietnamese policy texts.

Three zones are read in turn:

* the heading block at the top (issuer, "Số:", place and date, "V/v", type title, title,
  "Kính gửi"), read on physical lines because its layout is columnar;
* the body, read on re-joined logical lines with a stack of open headings. Each marker has
  a rank (Phụ lục < Phần < Chương < Mục, "A." < I. < Điều < 1. < 1.1. < a) < - < +); a new
  marker closes every open node of equal or deeper rank and opens under what is left;
* the closing ("Nơi nhận", the signature block) and appendices, whose tables broken one
  cell per line are re-assembled row by row.

Markers are matched on a folded copy of each line with OCR-tolerant alternatives, but the
clause text is always the source text: citations must quote it faithfully.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from rag.normalize import (
    FIELD_LABELS,
    RE_APPENDIX,
    RE_BULLET,
    RE_FIELD,
    RE_LEGAL,
    RE_LETTERED,
    RE_NUMBERED,
    RE_RECIPIENTS,
    RE_ROMAN_HEADING,
    RE_SIGN_PREFIX,
    RE_TERMINAL,
    Footnote,
    Line,
    Rejoiner,
    fold_keep,
    full_width,
    is_alpha_heading,
    join_lines,
    normalize_pages,
    starts_block,
    strip_markup,
)
from rag.records import Clause, Document, DocumentMeta, LoadedFile
from rag.text import collapse_ws, has_diacritics
from rag.vocabulary import DOC_TYPES

HEADER_SCAN_LINES = 80
BREADCRUMB_CHARS = 90

_TYPES_BY_LENGTH = sorted(DOC_TYPES, key=len, reverse=True)
# Type codes in a number ("58/KH-UBND") for documents whose type title is missing.
NUMBER_CODES = {
    "kh": "Kế hoạch",
    "bc": "Báo cáo",
    "qd": "Quyết định",
    "nq": "Nghị quyết",
    "ct": "Chỉ thị",
    "tb": "Thông báo",
    "ttr": "Tờ trình",
    "hd": "Hướng dẫn",
    "nd": "Nghị định",
    "tt": "Thông tư",
}

# Issuing-body codes in document numbers ("819/SKHCN-BCVT", "12/BC-STC"), folded.
ISSUER_CODES = {
    "skhcn": "Sở Khoa học và Công nghệ",
    "stc": "Sở Tài chính",
    "snv": "Sở Nội vụ",
    "syt": "Sở Y tế",
    "sgddt": "Sở Giáo dục và Đào tạo",
    "sgd&dt": "Sở Giáo dục và Đào tạo",
    "svhttdl": "Sở Văn hóa, Thể thao và Du lịch",
    "sxd": "Sở Xây dựng",
    "stp": "Sở Tư pháp",
    "sct": "Sở Công Thương",
    "snnmt": "Sở Nông nghiệp và Môi trường",
    "sngv": "Sở Ngoại vụ",
    "sdttg": "Sở Dân tộc và Tôn giáo",
    "bkhcn": "Bộ Khoa học và Công nghệ",
    "btc": "Bộ Tài chính",
    "bnv": "Bộ Nội vụ",
}
RE_MOTTO = re.compile(r"^(?:cong\s*hoa\s*xa\s*hoi|doc\s*lap\s*[-–]\s*tu\s*do)")
RE_MOTTO_ANY = re.compile(r"(?:cong\s*hoa\s*xa\s*hoi|doc\s*lap\s*[-–]\s*tu\s*do)")
RE_NUMBER_LINE = re.compile(
    r"^(?:(?:" + "|".join(t.replace(" ", r"\s+") for t in _TYPES_BY_LENGTH) + r")\s+)?s[o0-9b]\s*[:;]\s*"
)
RE_NUMBER_VALUE = re.compile(r"(?:\d+\s*)?/\s*[\w&.\-/]+|\d+[\w&.\-/]*")
RE_DATE = re.compile(
    r"(?P<place>[^\W\d_][^,\d:;]{0,40}?)?\s*,?\s*(?P<text>ng[aà]y\s*(?P<d>\d{1,2})?\s*th[aá]ng\s*(?P<m>\d{1,2})?"
    r"\s*n[aăi]m\s*(?P<y>\d{4}))"
)
RE_URGENCY = re.compile(r"^(?:hoa\s*toc|thuong\s*khan|khan|toi\s*mat|mat|tuyet\s*mat)\s*$")
RE_SUBJECT = re.compile(r"^v\s*/\s*v\b\.?\s*:?\s*")
RE_BODY_OPENING = re.compile(
    r"^(?:thuc\s+hien|can\s+cu|theo\s|xet\s|nham\s|de\s|tren\s+co\s+so|trong\s+thoi\s+gian|ngay\s+\d)"
)
RE_CLOSING = re.compile(r"\./\.\s*$")
RE_CLOSING_FORMULA = re.compile(
    r"^(?:tren\s+day\s+la|trong\s+qua\s+trinh\s+(?:to\s+chuc\s+|trien\s+khai\s+)?thuc\s+hien|"
    r"kinh\s+de\s+nghi|kinh\s+bao\s+cao|kinh\s+trinh|rat\s+mong|"
    r"(?:bo\s+)?(?:luat|nghi\s+quyet|phap\s+lenh)\s+nay\s+(?:da\s+)?duoc\s+.{0,120}thong\s+qua)\b"
)
RE_ISSUER_START = re.compile(
    r"^(?:uy\s*ban|ubnd|hdnd|so\b|bo\b|ban\b|van\s*phong|hoi\s*dong|chinh\s*phu|quoc\s*hoi|tinh\s*uy|"
    r"thanh\s*uy|huyen\s*uy|dang\s*uy|phong\b|cuc\b|tong\s*cuc|trung\s*tam|vien\b|truong\b|thu\s*tuong|"
    r"chu\s*tich|toa\s*an|vien\s*kiem\s*sat|kiem\s*toan|ngan\s*hang|cong\s*an|bo\s*chi\s*huy|mat\s*tran)"
)
SIGNER_TITLES = (
    "chu tich quoc hoi",
    "pho chu tich quoc hoi",
    "chu tich nuoc",
    "thu tuong chinh phu",
    "pho chu tich",
    "chu tich",
    "pho giam doc",
    "tong giam doc",
    "giam doc",
    "bo truong",
    "thu truong",
    "thu tuong",
    "pho thu tuong",
    "truong ban",
    "pho truong ban",
    "chanh van phong",
    "pho chanh van phong",
    "truong phong",
    "pho truong phong",
    "chu nhiem",
    "cuc truong",
    "vien truong",
    "hieu truong",
    "chanh an",
    "bi thu",
    "pho bi thu",
    "uy ban nhan dan",
    "hoi dong nhan dan",
    "ban chap hanh",
    "ban thuong vu",
    "chinh phu",
)


def _title_pattern(title: str) -> str:
    # OCR reads "Đ" as "P" or "D": "GIAM POC" is "GIÁM ĐỐC".
    return re.escape(title).replace("d", "[dp]").replace(r"\ ", r"\s*")


_TITLE_PATTERNS = [(t, re.compile(_title_pattern(t))) for t in SIGNER_TITLES]
_TITLE_ALTS = "|".join(_title_pattern(t) for t in SIGNER_TITLES)
RE_SIGNER_TITLE = re.compile(rf"(?:^|\s)(?P<t>{_TITLE_ALTS})\s*$")
CANONICAL_TITLES = {
    "chu tich quoc hoi": "CHỦ TỊCH QUỐC HỘI",
    "pho chu tich quoc hoi": "PHÓ CHỦ TỊCH QUỐC HỘI",
    "chu tich nuoc": "CHỦ TỊCH NƯỚC",
    "thu tuong chinh phu": "THỦ TƯỚNG CHÍNH PHỦ",
    "pho chu tich": "PHÓ CHỦ TỊCH",
    "chu tich": "CHỦ TỊCH",
    "pho giam doc": "PHÓ GIÁM ĐỐC",
    "tong giam doc": "TỔNG GIÁM ĐỐC",
    "giam doc": "GIÁM ĐỐC",
    "bo truong": "BỘ TRƯỞNG",
    "thu truong": "THỨ TRƯỞNG",
    "thu tuong": "THỦ TƯỚNG",
    "truong ban": "TRƯỞNG BAN",
    "chanh van phong": "CHÁNH VĂN PHÒNG",
    "truong phong": "TRƯỞNG PHÒNG",
    "uy ban nhan dan": "ỦY BAN NHÂN DÂN",
    "hoi dong nhan dan": "HỘI ĐỒNG NHÂN DÂN",
    "pho truong ban": "PHÓ TRƯỞNG BAN",
    "pho truong phong": "PHÓ TRƯỞNG PHÒNG",
    "pho chanh van phong": "PHÓ CHÁNH VĂN PHÒNG",
    "pho thu tuong": "PHÓ THỦ TƯỚNG",
    "chu nhiem": "CHỦ NHIỆM",
    "cuc truong": "CỤC TRƯỞNG",
    "vien truong": "VIỆN TRƯỞNG",
    "hieu truong": "HIỆU TRƯỞNG",
    "chanh an": "CHÁNH ÁN",
    "bi thu": "BÍ THƯ",
    "pho bi thu": "PHÓ BÍ THƯ",
    "ban chap hanh": "BAN CHẤP HÀNH",
    "ban thuong vu": "BAN THƯỜNG VỤ",
    "chinh phu": "CHÍNH PHỦ",
}
RE_TABLE_HEADER = re.compile(r"^s?tt\b")
RE_TABLE_GROUP = re.compile(r"^(?P<r>[IVX]{1,5})(?:\s+(?P<t>\S.*))?$")
RE_TABLE_SUBGROUP = re.compile(r"^(?:thang|quy)\s+(?:\d{1,2}|[ivx]{1,4})$")
RE_TABLE_ROW = re.compile(r"^(?P<n>\d{1,3})(?:\s+(?P<rest>.*))?$")
RE_YEAR_TARGET = re.compile(
    r"^(?:(?:muc\s+tieu|chi\s+tieu)(?:\s+(?:cu\s+the|chung))?\s+)?"
    r"(?:nam|den\s+nam|trong\s+nam|giai\s+doan)\s+(?P<y>(?:19|20)\d\d)\b"
)
RE_CITED = re.compile(
    r"\b(?P<type>"
    + "|".join(t.replace(" ", r"\s+") for t in _TYPES_BY_LENGTH)
    + r")\s+(?:s[o0-9b]\s*:?\s*)?(?P<num>\d{1,5}\s*(?:/\s*\d{4}\s*)?[/-]\s*-?\s*[a-z][a-z0-9&]*(?:\s*[/-]\s*[a-z][a-z0-9&]*)*)"
    r"(?:\s*,?\s*ng[aà]y\s+(?P<date>\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+th[aá]ng\s+\d{1,2}\s+n[aăi]m\s+\d{4}))?"
)
RE_ATTACHED_TO = re.compile(
    r"\(\s*k[eè]m\s+theo\s+(?P<type>[^\d()]{2,30}?)\s+s[o0-9b]\s*:?\s*(?P<num>(?:\d+\s*)?/\s*[\w&.\-]+|\d+[\w/&.\-]*)"
    r"\s+ng[aà]y\s+(?P<date>\d{1,2}/\d{1,2}/\d{4})\s+c[uủ]a\s+(?P<org>[^)]{3,120}?)\s*\)"
)
RE_PASSED_ON = re.compile(
    r"thong\s+qua\s+(?P<text>ngay\s+(?P<d>\d{1,2})\s+thang\s+(?P<m>\d{1,2})\s+nam\s+(?P<y>\d{4}))"
)
RE_ISSUES = re.compile(
    r"(?P<org>(?:Sở|Ủy ban nhân dân|UBND|Bộ|Ban|Phòng|Trung tâm|Văn phòng|Cục|Chi cục)\s[^,.;:()“”\"]{2,80}?)"
    r"\s+(?:ban\s+hành|xây\s+dựng|báo\s+cáo)\s+(?:Kế\s+hoạch|Quyết\s+định|Báo\s+cáo|Chương\s+trình|kết\s+quả)"
)

# Ranks: a new marker closes open nodes of equal or deeper rank.
RANK_APPENDIX = 0
RANK_LEGAL = {"phan": 1, "chuong": 2, "muc": 3, "dieu": 5}
RANK_ALPHA = 3  # "A. PHẦN MỞ ĐẦU" above "I."
RANK_ROMAN = 4
RANK_NUMBERED = 5  # + depth (1. -> 6, 1.1. -> 7 ...)
RANK_LETTER = 10
RANK_BULLET = 11
RANK_PLUS = 12
RANK_PARAGRAPH = 13
TASK_MAX_RANK = 9  # fields belong to the nearest numbered task or heading

LEGAL_LABELS = {"phan": "Phần", "chuong": "Chương", "muc": "Mục", "dieu": "Điều"}


def document_id(source: str) -> str:
    """Stable id from the source path: a short sha1, so re-ingesting keeps ids."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]


# --- nodes -------------------------------------------------------------------------------------


@dataclass
class _Node:
    kind: str
    rank: int
    locator: str
    parent: _Node | None = None
    marker: str = ""  # "II", "2.3", "b", "-", "Điều 5" …
    style: str = ""  # roman, numbered, letter, bullet, plus, legal:dieu, appendix, field, table …
    lines: list[Line] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    field_key: str = ""  # fields: "lead_unit", "deadline" …
    label: str = ""  # fields: the label as printed, "Đơn vị thực hiện"

    def add(self, child: _Node) -> _Node:
        child.parent = self
        self.children.append(child)
        return child

    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)

    def count(self, style: str) -> int:
        return sum(1 for c in self.children if c.style == style)


@dataclass
class _Header:
    end: int = 0
    header_lines: list[Line] = field(default_factory=list)
    recipient_lines: list[Line] = field(default_factory=list)
    issuer_lines: list[str] = field(default_factory=list)
    doc_type: str = ""
    number: str = ""
    place: str = ""
    date: str = ""
    date_text: str = ""
    title_lines: list[str] = field(default_factory=list)
    subject_lines: list[str] = field(default_factory=list)


# --- header ------------------------------------------------------------------------------------


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


RE_TYPE_TITLE = re.compile(
    r"^(?P<type>" + "|".join(t.replace(" ", r"\s+") for t in _TYPES_BY_LENGTH) + r")(?:\s*:?\s*$|\s+(?=\S))"
)


def _type_title(folded: str) -> tuple[str, int]:
    """("Kế hoạch", where the title starts) for "KẾ HOẠCH" or "KẾ HOẠCH TRUYỀN THÔNG NĂM 2026"."""
    m = RE_TYPE_TITLE.match(folded)
    if not m:
        return "", 0
    return DOC_TYPES[" ".join(m.group("type").split())], m.end()


def _parse_date(folded: str, original: str) -> tuple[str, str, str] | None:
    """(place, iso-or-partial date, date text as written) from a dated line."""
    m = RE_DATE.search(folded)
    if not m:
        return None
    place = original[m.start("place") : m.end("place")].strip(" ,") if m.group("place") else ""
    year, month, day = m.group("y"), m.group("m"), m.group("d")
    date = year
    if month:
        date += f"-{int(month):02d}"
        if day:
            date += f"-{int(day):02d}"
    return place, date, original[m.start("text") : m.end("text")]


def _scan_header(lines: list[Line]) -> _Header:
    h = _Header()
    mode = ""
    anchored = motto_seen = False  # anchors: number, date, V/v, type title, Kính gửi
    limit = min(len(lines), HEADER_SCAN_LINES)
    i = 0
    while i < limit:
        ln = lines[i]
        text = ln.text
        f = fold_keep(strip_markup(text)).strip()
        motto = RE_MOTTO_ANY.search(f)
        prefix = text[: motto.start()].strip() if motto else ""
        if motto and (not prefix or (_is_upper(prefix) and not anchored)):
            # Two columns on one line: "UBND TỈNH QUẢNG NGÃI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".
            if prefix:
                h.issuer_lines.append(prefix)
            h.header_lines.append(ln)
            motto_seen, mode = True, ""
        elif RE_NUMBER_LINE.match(f) and not h.number:
            rest_at = RE_NUMBER_LINE.match(f).end()
            m = RE_NUMBER_VALUE.match(text[rest_at:])
            if m:
                h.number = re.sub(r"\s+", "", m.group(0)).rstrip(".,;")
                rest_at += m.end()
            dated = _parse_date(f[rest_at:], text[rest_at:])
            if dated:
                h.place, h.date, h.date_text = dated
            h.header_lines.append(ln)
            anchored, mode = True, ""
        elif (
            not h.date
            and (dated := _parse_date(f, text))
            and (dated[0] or f.startswith("ng"))
            and len(f) < 90
        ):
            h.place, h.date, h.date_text = dated
            h.header_lines.append(ln)
            anchored, mode = True, ""
        elif RE_SUBJECT.match(f):
            h.subject_lines.append(text[RE_SUBJECT.match(f).end() :].strip())
            h.header_lines.append(ln)
            anchored, mode = True, "subject"
        elif _is_upper(text) and not h.doc_type and (typed := _type_title(f))[0]:
            h.doc_type = typed[0]
            if rest := strip_markup(text)[typed[1] :].strip(" :*"):
                h.title_lines.append(rest)  # "LUẬT ĐẤT ĐAI": the title shares the line
            h.header_lines.append(ln)
            anchored, mode = True, "title"
        elif RE_RECIPIENTS.match(f) and f.startswith("k"):
            h.recipient_lines.append(ln)
            anchored, mode = True, "recipients"
        elif mode == "subject" and not _opens_body(ln) and len(h.subject_lines) < 8:
            h.subject_lines.append(text)
            h.header_lines.append(ln)
        elif mode == "title" and not _opens_body(ln) and len(h.title_lines) < 8:
            h.header_lines.append(ln)
            if h.title_lines and _is_upper(text) and not _is_upper(h.title_lines[-1]):
                # "Về việc …" then "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH": the enacting authority, not the title.
                mode = ""
            else:
                h.title_lines.append(text)
        elif mode == "recipients" and _continues_recipients(h.recipient_lines[-1].text, ln):
            h.recipient_lines.append(ln)
        elif RE_URGENCY.match(f):
            h.header_lines.append(ln)  # "HỎA TỐC", "KHẨN": handling marks, not the issuer
        elif not anchored and _is_upper(text) and len(text) <= 80 and not starts_block(text):
            h.issuer_lines.append(text)
            h.header_lines.append(ln)
        else:
            break
        i += 1
    if not (anchored or motto_seen):
        return _Header()
    h.end = i
    return h


def _opens_body(ln: Line) -> bool:
    f = fold_keep(ln.text).strip()
    return starts_block(ln.text) or bool(RE_BODY_OPENING.match(f)) or bool(RE_MOTTO.match(f))


def _continues_recipients(prev: str, ln: Line) -> bool:
    text = ln.text
    if text.startswith(("-", "–", "+", "•")):
        return True
    if _opens_body(ln):
        return False
    return not RE_TERMINAL.search(prev) or prev.rstrip().endswith((",", ";"))


_ACRONYM = re.compile(r"^[A-ZĐ&]{2,}$")
_ADMIN_LEVELS = {"tinh", "thanh pho", "huyen", "xa", "phuong", "quan", "thi xa", "thi tran", "dac khu"}
_ORG_HEADS = {
    "uy ban nhan dan": "Ủy ban nhân dân",
    "hoi dong nhan dan": "Hội đồng nhân dân",
    "van phong": "Văn phòng",
    "trung tam": "Trung tâm",
    "tong cuc": "Tổng cục",
    "chinh phu": "Chính phủ",
    "quoc hoi": "Quốc hội",
    "tinh uy": "Tỉnh ủy",
    "dang uy": "Đảng ủy",
}


def title_case_body(text: str) -> str:
    """ "SỞ KHOA HỌC VÀ CÔNG NGHỆ" -> "Sở Khoa học và Công nghệ"; "UBND TỈNH QUẢNG NGÃI" -> "UBND tỉnh Quảng Ngãi"."""
    words = text.split()
    if not words or not _is_upper(text):
        return collapse_ws(text)
    out: list[str] = []
    i = 0
    place_mode = False
    new_segment = True
    while i < len(words):
        word = words[i]
        two = fold_keep(" ".join(words[i : i + 2]))
        three = fold_keep(" ".join(words[i : i + 4]))
        if i == 0:
            matched = next((k for k in _ORG_HEADS if three.startswith(k) or two == k), None)
            if matched:
                n = len(matched.split())
                out.append(_ORG_HEADS[matched])
                i += n
                continue
        if _ACRONYM.match(word) and (word in {"UBND", "HĐND", "MTTQ"} or "&" in word or not _has_vowel(word)):
            out.append(word)
            i += 1
            new_segment = True
            continue
        if two in _ADMIN_LEVELS and i > 0:
            out.append(" ".join(words[i : i + 2]).lower())
            i += 2
            place_mode = True
            continue
        if fold_keep(word) in _ADMIN_LEVELS and i > 0:
            out.append(word.lower())
            i += 1
            place_mode = True
            continue
        low = word.lower()
        if fold_keep(low) == "va":
            out.append(low)
            new_segment = True
        elif place_mode or new_segment or i == 0:
            out.append(low[:1].upper() + low[1:])
            # After the body's kind ("Sở", "Bộ", "Ban") comes its name: "Sở Khoa học".
            new_segment = i == 0
        else:
            out.append(low)
        if word.endswith(","):
            new_segment = True
        i += 1
    return " ".join(out)


def _has_vowel(word: str) -> bool:
    return any(c in "aeiouy" for c in fold_keep(word))


def _split_issuers(lines: list[str]) -> tuple[str, str]:
    """(issuer, parent) from the top-left header lines."""
    bodies: list[list[str]] = []
    for text in lines:
        if not bodies or RE_ISSUER_START.match(fold_keep(text).strip()):
            bodies.append([text])
        else:
            bodies[-1].append(text)
    names = [title_case_body(" ".join(b)) for b in bodies]
    if not names:
        return "", ""
    return names[-1], names[-2] if len(names) > 1 else ""


# --- body --------------------------------------------------------------------------------------


@dataclass
class _Table:
    """Where an appendix table is being assembled."""

    appendix: _Node
    group: _Node
    open: _Node  # the node receiving the next cell
    subgroup: _Node | None = None
    row: _Node | None = None
    expected: int = 1  # next row number


class _Builder:
    def __init__(self) -> None:
        self.root = _Node(kind="root", rank=-1, locator="")
        self.stack: list[_Node] = [self.root]
        self.mode = ""  # "", "distribution", "signature", "table"
        self.closed = False  # "./." seen: the body has ended
        self.distribution: _Node | None = None
        self.signature: _Node | None = None
        self.table: _Table | None = None

    # stack helpers
    @property
    def top(self) -> _Node:
        return self.stack[-1]

    def open(self, node: _Node) -> _Node:
        while self.top.rank >= node.rank:
            self.stack.pop()
        self.top.add(node)
        self.stack.append(node)
        return node

    def reset(self) -> None:
        del self.stack[1:]

    def appendix(self) -> _Node | None:
        return next((n for n in reversed(self.stack) if n.style == "appendix"), None)

    # feed
    def feed(self, ln: Line) -> None:
        text = strip_markup(ln.text)
        f = fold_keep(text).strip()
        if RE_APPENDIX.match(f) and text[:1] in "Pp" and len(text) <= 160:
            self._appendix(ln, f)
            return
        if f.startswith("noi") and RE_RECIPIENTS.match(f):
            self._distribution(ln, f)
            return
        if self.mode == "distribution" and self._distribution_item(ln, f):
            return
        if self._signature_line(ln, f):
            return
        if self.mode == "table" and self._table_line(ln, f):
            return
        self.mode = "" if self.mode in ("distribution", "signature") else self.mode
        self._body_line(ln, f, text)
        if RE_CLOSING.search(text):
            self.closed = True
            self.reset()

    # appendix and tables
    def _appendix(self, ln: Line, f: str) -> None:
        m = RE_APPENDIX.match(f)
        num = (m.group("num") or "").upper() if m else ""
        locator = f"Phụ lục {num}" if num else "Phụ lục"
        self.reset()
        self.mode = ""
        self.closed = False
        self.open(_Node(kind="appendix", rank=RANK_APPENDIX, locator=locator, style="appendix", lines=[ln]))

    def _start_table(self, ln: Line, appendix: _Node) -> None:
        header = _Node(
            kind="table", rank=RANK_PARAGRAPH, locator=f"{appendix.locator}.bảng", style="table-header"
        )
        header.lines.append(ln)
        while self.top is not appendix:
            self.stack.pop()
        appendix.add(header)
        self.mode = "table"
        self.table = _Table(appendix=appendix, group=appendix, open=header)

    def _table_line(self, ln: Line, f: str) -> bool:
        """One printed cell: a group ("VIII Bưu chính"), a sub-group ("Tháng 9"), a row start, or more text."""
        t = self.table
        assert t is not None
        text = ln.text
        group_m = RE_TABLE_GROUP.match(text)
        if group_m and _roman_value(group_m.group("r")):
            locator = f"{t.appendix.locator}.{group_m.group('r')}"
            t.group = t.appendix.add(_Node(kind="heading", rank=RANK_ROMAN, locator=locator, style="group"))
            t.subgroup = t.row = None
            t.open = t.group
        elif RE_TABLE_SUBGROUP.match(f) and text[:1].isupper():
            locator = f"{t.group.locator}.{collapse_ws(text)}"
            t.subgroup = t.group.add(
                _Node(kind="heading", rank=RANK_NUMBERED, locator=locator, style="subgroup")
            )
            t.row = None
            t.open = t.subgroup
        elif self._is_row_start(text):
            n = int(text.split()[0])
            parent = t.subgroup or t.group
            t.row = parent.add(
                _Node(kind="table", rank=RANK_PARAGRAPH, locator=f"{parent.locator}.{n}", style="row")
            )
            t.expected = n + 1
            t.open = t.row
        t.open.lines.append(ln)
        return True

    def _is_row_start(self, text: str) -> bool:
        # Row numbers run on (or restart at 1 under a new group); a value like "12 06" is not a row.
        t = self.table
        m = RE_TABLE_ROW.match(text)
        if t is None or not m:
            return False
        n = int(m.group("n"))
        rest = m.group("rest") or ""
        in_sequence = n == t.expected or (t.row is None and n == 1)
        return in_sequence and (not rest or bool(re.search(r"[^\W\d_]", rest)))

    # closing
    def _distribution(self, ln: Line, f: str) -> None:
        self.reset()
        node = self.root.add(
            _Node(kind="recipients", rank=RANK_PARAGRAPH, locator="nơi nhận", style="distribution")
        )
        self.distribution = node
        self.mode = "distribution"
        # Two columns merged by OCR: "Nơi nhận: KT. GIÁM ĐỐC".
        head = RE_RECIPIENTS.match(f)
        tail_at = head.end() if head else 0
        sign = re.search(r"\b(?:kt|tm|tl|q)\s*\.\s*[a-z]", f[tail_at:])
        if sign:
            cut = tail_at + sign.start()
            node.lines.append(Line(ln.text[:cut].rstrip(), list(ln.pages)))
            self._open_signature(Line(ln.text[cut:].strip(), list(ln.pages)))
            self.mode = "distribution"
        else:
            node.lines.append(ln)

    def _distribution_item(self, ln: Line, f: str) -> bool:
        node = self.distribution
        assert node is not None
        if not ln.text.startswith(("-", "–", "+", "•")) and (
            _is_upper(ln.text)
            or RE_SIGN_PREFIX.match(f)
            or fold_keep(node.lines[-1].text).lstrip("-– ").startswith("luu")
        ):
            return False
        m = RE_SIGNER_TITLE.search(f)
        if m and ";" in ln.text[: m.start("t")]:
            # A signature title printed beside a recipient: "- UBND tỉnh; … GIÁM ĐỐC".
            cut = ln.text.rfind(";", 0, m.start("t")) + 1
            node.lines.append(Line(ln.text[:cut], list(ln.pages)))
            tail = Line(ln.text[cut:].strip(), list(ln.pages))
            if self.signature is not None:
                self.signature.lines.append(tail)
            else:
                self._open_signature(tail)
                self.mode = "distribution"
            return True
        node.lines.append(ln)
        return True

    def _open_signature(self, ln: Line) -> None:
        self.reset()
        node = self.signature
        if node is None:
            node = self.root.add(
                _Node(kind="signature", rank=RANK_PARAGRAPH, locator="chữ ký", style="signature")
            )
            self.signature = node
        node.lines.append(ln)
        self.mode = "signature"

    def _signature_line(self, ln: Line, f: str) -> bool:
        text = ln.text
        title_m = RE_SIGNER_TITLE.search(f)
        is_title = bool(RE_SIGN_PREFIX.match(f)) or (_is_upper(text) and bool(title_m))
        # A line that is nothing but a title ("CHỦ TỊCH QUỐC HỘI") signs even without "Nơi nhận".
        whole = bool(title_m) and _is_upper(text) and not f[: title_m.start("t")].strip()
        if is_title and len(text) <= 60 and (self.distribution is not None or self.closed or whole):
            if self.mode == "signature" or self.signature is None:
                self._open_signature(ln)
            else:
                self.signature.lines.append(ln)
                self.mode = "signature"
            return True
        if self.mode == "signature" and self.signature is not None and _is_person_name(text):
            self.signature.lines.append(ln)
            self.mode = ""
            return True
        return False

    # body
    def _body_line(self, ln: Line, f: str, core: str) -> None:
        appendix = self.appendix()
        if (
            appendix is not None
            and RE_TABLE_HEADER.match(f)
            and len(ln.text) <= 40
            and f.split()[0] in ("tt", "stt")
        ):
            self._start_table(ln, appendix)
            return
        fm = RE_FIELD.match(f)
        if fm:
            self._field(ln, fm, core)
            return
        marker = _marker(f, core, self)
        if marker is None:
            self._paragraph(ln)
            return
        style, rank, num = marker
        parent = self._parent_for(rank)
        locator = self._locator(style, num, parent)
        node = _Node(kind="item", rank=rank, locator=locator, marker=num, style=style, lines=[ln])
        if style in ("roman", "alpha") or style.startswith("legal"):
            node.kind = "heading"
        self.open(node)

    def _parent_for(self, rank: int) -> _Node:
        for node in reversed(self.stack):
            if node.rank < rank:
                return node
        return self.root

    def _locator(self, style: str, num: str, parent: _Node) -> str:
        base = parent.locator
        if style == "legal:dieu":
            return f"Điều {num}"
        if style.startswith("legal:"):
            label = f"{LEGAL_LABELS[style[6:]]} {num}"
            return f"{base}.{label}" if base and parent.style.startswith("legal") else label
        if style == "numbered":
            dieu = next((n for n in reversed(self.stack) if n.style == "legal:dieu"), None)
            if dieu is not None and parent is dieu:
                return f"{dieu.locator} khoản {num}"
            # "2.3" under "2" under "I": the number already carries its parent ("I.2.3").
            anchor = parent
            while anchor.style == "numbered" and num.startswith(anchor.marker + "."):
                anchor = anchor.parent or self.root
            base = anchor.locator
        elif style == "letter" and parent.locator.startswith("Điều") and " khoản " in parent.locator:
            return f"{parent.locator} điểm {num}"
        elif style in ("bullet", "plus"):
            sign = "-" if style == "bullet" else "+"
            num = f"{sign}{parent.count(style) + 1}"
        return f"{base}.{num}" if base else num

    def _field(self, ln: Line, m: re.Match[str], core: str) -> None:
        task = self._parent_for(TASK_MAX_RANK + 1)
        label_text = core[m.start("label") : m.end("label")]
        key = next(k for k, labels in FIELD_LABELS.items() if collapse_ws(m.group("label")) in labels)
        locator = f"{task.locator} · {label_text}" if task.locator else label_text
        node = _Node(kind="field", rank=RANK_BULLET, locator=locator, style="field", lines=[ln])
        node.field_key = key
        node.label = label_text
        while len(self.stack) > 1 and self.top is not task:
            self.stack.pop()
        self.open(node)

    def _paragraph(self, ln: Line) -> None:
        top = self.top
        finished = top is not self.root and RE_TERMINAL.search(top.lines[-1].text)
        if ln.gap_before and finished and top.rank > RANK_NUMBERED:
            # Single-spaced text: a blank line after a finished item or paragraph starts a new paragraph.
            self.stack.pop()
            self._new_paragraph(ln)
            return
        if finished and top.rank > RANK_NUMBERED and RE_CLOSING_FORMULA.match(fold_keep(ln.text)):
            # "Trong quá trình tổ chức thực hiện …", "Trên đây là …": the document's closing words.
            self.reset()
            self._new_paragraph(ln)
            return
        if top is not self.root and top.rank >= RANK_NUMBERED + 1:
            top.lines.append(ln)
            return
        if top.style == "legal:dieu" and not top.children:
            # An article's text before its first clause belongs to the article.
            top.lines.append(ln)
            return
        if top is not self.root and not top.children:
            # A heading's title on the next line(s): "Chương I" / "QUY ĐỊNH CHUNG", "Phụ lục 1" / title.
            titled = top.style == "appendix" or top.style.startswith("legal")
            if len(top.lines) < 4 and (titled or _is_upper(ln.text)):
                top.lines.append(ln)
                return
        if top.style == "paragraph":
            top.lines.append(ln)
            return
        self._new_paragraph(ln)

    def _new_paragraph(self, ln: Line) -> None:
        top = self.top
        count = top.count("paragraph") + 1
        locator = f"{top.locator}.đoạn {count}" if top.locator else f"đoạn {count}"
        node = _Node(kind="paragraph", rank=RANK_PARAGRAPH, locator=locator, style="paragraph", lines=[ln])
        self.open(node)


def _roman_value(text: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    prev = 0
    for ch in reversed(text.upper()):
        v = values.get(ch, 0)
        if not v:
            return 0
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def _marker(f: str, text: str, builder: _Builder) -> tuple[str, int, str] | None:
    """(style, rank, number) of the marker opening this line, or None for running text."""
    if m := RE_LEGAL.match(f):
        kind = m.group("kind")
        if kind == "muc" and not re.match(r"^m[uụ]c\s", text.lower()):
            return None
        raw = text[m.start("num") : m.end("num")]
        return f"legal:{kind}", RANK_LEGAL[kind], raw.upper() if _roman_value(raw) else raw
    if m := RE_ROMAN_HEADING.match(f):
        raw = text[m.start("num") : m.end("num")]
        if raw.isupper():
            return "roman", RANK_ROMAN, raw
    if is_alpha_heading(text):
        return "alpha", RANK_ALPHA, text[0]
    if m := RE_NUMBERED.match(f):
        num = m.group("num")
        if num == "1" and text[m.end("num") : m.end("num") + 1] == ")" and _expects_letter_l(builder):
            return "letter", RANK_LETTER, "l"
        return "numbered", RANK_NUMBERED + num.count(".") + 1, num
    if (m := RE_LETTERED.match(f)) and m.group("num") != "1":
        letter = "c" if m.group("num") == "¢" else text[: m.end("num")].lower()[-1:]
        return "letter", RANK_LETTER, fold_keep(letter) if letter != "đ" else "đ"
    if m := RE_BULLET.match(f):
        sign = m.group("num")
        return ("plus", RANK_PLUS, "+") if sign == "+" else ("bullet", RANK_BULLET, "-")
    return None


def _expects_letter_l(builder: _Builder) -> bool:
    # OCR reads the item letter "l)" as "1)": only after a "k)" sibling.
    for node in reversed(builder.stack):
        if node.style == "letter":
            return node.marker == "k"
    return False


def _is_person_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 6 or len(text) > 45 or any(ch.isdigit() for ch in text):
        return False
    return all(w[:1].isupper() and (len(w) == 1 or w[1:].islower()) and w.isalpha() for w in words)


# --- assembly ----------------------------------------------------------------------------------


def _short(text: str, limit: int = BREADCRUMB_CHARS) -> str:
    text = collapse_ws(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"{cut} …"


def _field_value(node: _Node) -> str:
    flat = strip_markup(" ".join(node.text().split()))
    m = RE_FIELD.match(fold_keep(flat))
    if not m:
        return ""
    return flat[m.start("value") :].rstrip(" .;*_")


def _unmark(text: str) -> str:
    return re.sub(r"(?:\*\*|__)", "", strip_markup(collapse_ws(text)))


def _heading_title(node: _Node) -> str:
    first = _unmark(node.text())
    f = fold_keep(first)
    if node.style == "appendix":
        rest = [ln.text for ln in node.lines[1:]]
        return collapse_ws(" ".join(rest)) if rest else first
    if node.style == "alpha":
        return first[2:].strip(" .:-*")
    for pattern in (RE_LEGAL, RE_ROMAN_HEADING, RE_NUMBERED, RE_LETTERED, RE_BULLET):
        m = pattern.match(f)
        if m:
            return first[m.end() :].strip(" .:-*")
    return first


def _split_heading_paragraphs(root: _Node) -> None:
    """A numbered item that has sub-items is a heading: its running text becomes a paragraph child.

    "2. Về công tác tuyên truyền" / "Sở đã thực hiện …" / "- Chuyên mục …": the heading's
    text stays its own line and the paragraph is addressable on its own ("2.đoạn 1").
    """
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if (
            not node.children
            or len(node.lines) < 2
            or node.style not in ("numbered", "letter", "bullet", "plus")
        ):
            continue
        para = _Node(
            kind="paragraph", rank=RANK_PARAGRAPH, locator="", style="paragraph", lines=node.lines[1:]
        )
        para.parent = node
        node.lines = node.lines[:1]
        node.children.insert(0, para)
        count = 0
        for child in node.children:
            if child.style == "paragraph":
                count += 1
                child.locator = f"{node.locator}.đoạn {count}"


def _emit(
    root: _Node,
    doc_id: str,
    source: str,
    access: str,
    footnotes: dict[int, Footnote],
    prefix: list[Clause],
) -> list[Clause]:
    clauses: list[Clause] = list(prefix)
    seen: dict[str, int] = {}
    for c in clauses:
        seen[c.locator] = seen.get(c.locator, 0) + 1

    def make_id(locator: str) -> str:
        seen[locator] = seen.get(locator, 0) + 1
        n = seen[locator]
        return f"{doc_id}:{locator}" if n == 1 else f"{doc_id}:{locator}#{n}"

    def visit(node: _Node, parent: Clause | None, crumbs: list[str], inherited: dict[str, str]) -> None:
        kind = node.kind
        if kind == "item" and node.children:
            kind = "heading"
        text = node.text()
        fields: dict[str, str] = dict(inherited)
        f = fold_keep(_heading_title(node))
        if (m := RE_YEAR_TARGET.match(f)) and (m.start("y") < 25 or len(f) <= 60):
            fields["year"] = m.group("y")
        if node.style == "field":
            value = _field_value(node)
            if value:
                fields[node.field_key] = value
        for child in node.children:
            if child.style == "field":
                value = _field_value(child)
                if value and child.field_key not in fields:
                    fields[child.field_key] = value
        if kind in ("heading", "appendix"):
            title = _heading_title(node)
        elif node.style == "field":
            title = node.label
        elif node.style in ("group", "subgroup"):
            title = text
        else:
            title = ""
        pages = sorted({p for ln in node.lines for p in ln.pages})
        refs = [n for ln in node.lines for n in ln.footnotes if n in footnotes]
        clause = Clause(
            id=make_id(node.locator),
            doc_id=doc_id,
            source=source,
            locator=node.locator,
            kind=kind,
            text=text,
            title=title,
            breadcrumb=list(crumbs),
            pages=pages,
            parent_id=parent.id if parent else None,
            order=len(clauses),
            fields=fields,
            footnotes=[footnotes[n].text for n in refs],
            access=access,
        )
        clauses.append(clause)
        if parent:
            parent.children.append(clause.id)
        for n in refs:
            note = footnotes[n]
            locator = f"{node.locator} · chú thích {n}"
            fn = Clause(
                id=make_id(locator),
                doc_id=doc_id,
                source=source,
                locator=locator,
                kind="footnote",
                text=note.text,
                title=f"Chú thích {n}",
                breadcrumb=[*crumbs, _short(text)],
                pages=[note.page] if note.page else [],
                parent_id=clause.id,
                order=len(clauses),
                access=access,
            )
            clauses.append(fn)
            clause.children.append(fn.id)
        child_inherit = {k: v for k, v in fields.items() if k == "year"}
        child_crumbs = [*crumbs, _short(_unmark(text.split("\n")[0] if kind != "appendix" else text))]
        for child in node.children:
            visit(child, clause, child_crumbs, child_inherit)

    for top in root.children:
        visit(top, None, [], {})
    return clauses


def _furniture(
    doc_id: str, source: str, access: str, kind: str, locator: str, lines: list[Line], order: int
) -> Clause:
    return Clause(
        id=f"{doc_id}:{locator}",
        doc_id=doc_id,
        source=source,
        locator=locator,
        kind=kind,
        text="\n".join(ln.text for ln in lines),
        title="",
        pages=sorted({p for ln in lines for p in ln.pages}),
        order=order,
        access=access,
    )


def _cited_documents(text: str, own_number: str) -> list[str]:
    folded = fold_keep(text)
    found: dict[str, str] = {}
    own = re.sub(r"\s+", "", own_number).lower()
    for m in RE_CITED.finditer(folded):
        kind = DOC_TYPES[" ".join(m.group("type").split())]
        number = re.sub(r"\s+", "", text[m.start("num") : m.end("num")])
        number = re.sub(r"-{2,}", "-", number)
        key = fold_keep(number)
        if own and not own.startswith("/") and key == fold_keep(own):
            continue
        label = f"{kind} số {number}"
        if m.group("date"):
            label += f" ngày {collapse_ws(text[m.start('date') : m.end('date')])}"
        if key not in found or (m.group("date") and " ngày " not in found[key]):
            found[key] = label
    return list(found.values())


def _issuer_from_number(number: str) -> str:
    """ "819/SKHCN-BCVT&CĐS" or "12/BC-STC" -> the body whose code the number carries."""
    codes = [fold_keep(c) for c in re.split(r"[-/]", number.split("/", 1)[-1]) if c]
    if codes and codes[0] in NUMBER_CODES:
        codes = codes[1:]
    return ISSUER_CODES.get(codes[0], "") if codes else ""


def _doc_type_from_number(number: str) -> str:
    m = re.search(r"/\s*([A-Za-zĐđ]+)", number)
    if not m:
        return ""
    return NUMBER_CODES.get(fold_keep(m.group(1)), "")


def _canonical_title(folded: str) -> str:
    """The title as printed, for text that lost its marks: "giam poc" -> "GIÁM ĐỐC"."""
    for title, pattern in _TITLE_PATTERNS:
        if pattern.fullmatch(folded.strip()):
            return CANONICAL_TITLES.get(title, title.upper())
    return ""


def _signer(signature: Clause | None) -> tuple[str, str]:
    if signature is None:
        return "", ""
    titles: list[str] = []
    name = ""
    for line in signature.text.split("\n"):
        text = line.strip()
        if _is_person_name(text):
            name = text
            continue
        f = fold_keep(text)
        prefix = RE_SIGN_PREFIX.match(f)
        title_m = RE_SIGNER_TITLE.search(f)
        if has_diacritics(text) or not title_m:
            titles.append(text if (prefix or _is_upper(text)) else "")
            continue
        canonical = _canonical_title(title_m.group("t"))
        if not canonical:
            titles.append(text)
        elif prefix:
            titles.append(f"{text[: prefix.end() - 1].strip().upper()} {canonical}")
        else:
            titles.append(canonical)
    titles = [t for t in titles if t]
    # "KT. GIÁM ĐỐC" is signed by a deputy: OCR that lost "PHÓ" is put back.
    if len(titles) == 2 and titles[0].upper().startswith("KT.") and titles[1] == titles[0][3:].strip():
        titles[1] = f"PHÓ {titles[1]}"
    return name, " / ".join(titles)


def _list_items(text: str) -> list[str]:
    items: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        f = fold_keep(line)
        head = RE_RECIPIENTS.match(f)
        if head:
            line = line[head.end() :].strip()
        line = line.lstrip("-–+• ").rstrip(" ;.,")
        if line:
            items.append(line)
    return items


def _feed_body(builder: _Builder, lines: list[Line], width: float) -> None:
    """Re-join broken lines and feed them; inside a table feed cells as printed (one per line)."""
    joiner = Rejoiner(width)
    for ln in lines:
        if builder.mode == "table" and (pending := joiner.flush()) is not None:
            builder.feed(pending)
        if builder.mode == "table":
            builder.feed(Line(ln.text, list(ln.pages), list(ln.footnotes), ln.gap_before))
        elif (done := joiner.push(ln)) is not None:
            builder.feed(done)
    if (last := joiner.flush()) is not None:
        builder.feed(last)


def parse_document(loaded: LoadedFile, *, access: str = "public") -> Document:
    """Parse a loaded file into metadata and a clause tree. Never raises on odd text."""
    doc_id = document_id(loaded.source)
    norm = normalize_pages(loaded.pages)
    physical = norm.lines
    width = full_width(physical)
    header = _scan_header(physical)
    builder = _Builder()
    _feed_body(builder, physical[header.end :], width)

    prefix: list[Clause] = []
    if header.header_lines:
        prefix.append(_furniture(doc_id, loaded.source, access, "header", "header", header.header_lines, 0))
    if header.recipient_lines:
        joined = join_lines(header.recipient_lines, width)
        prefix.append(
            _furniture(doc_id, loaded.source, access, "recipients", "kính gửi", joined, len(prefix))
        )
    _split_heading_paragraphs(builder.root)
    clauses = _emit(builder.root, doc_id, loaded.source, access, norm.footnotes, prefix)

    body_text = "\n".join(c.text for c in clauses)
    meta = DocumentMeta(
        doc_type=header.doc_type,
        number=header.number,
        place=header.place,
        date=header.date,
        date_text=header.date_text,
        title=collapse_ws(" ".join(header.title_lines)),
        is_draft=bool(norm.stamps),
    )
    meta.issuer, meta.parent_issuer = _split_issuers(header.issuer_lines)
    subject = collapse_ws(" ".join(header.subject_lines))
    meta.subject = subject or meta.title
    recipients = next((c for c in clauses if c.locator == "kính gửi"), None)
    if recipients is not None:
        meta.recipients = _list_items(recipients.text)
    distribution = next((c for c in clauses if c.kind == "recipients" and c.locator == "nơi nhận"), None)
    if distribution is not None:
        meta.distribution = _list_items(distribution.text)
    signature = next((c for c in clauses if c.kind == "signature"), None)
    meta.signer_name, meta.signer_title = _signer(signature)
    _infer_missing(meta, body_text, bool(header.subject_lines), recipients is not None)
    meta.cited_documents = _cited_documents(body_text, meta.number)
    return Document(
        id=doc_id,
        source=loaded.source,
        content_hash=loaded.content_hash,
        meta=meta,
        clauses=clauses,
        page_count=len([p for p in loaded.pages if p.number]),
        ocr_pages=[p.number for p in loaded.pages if p.ocr],
        warnings=list(loaded.warnings),
        access=access,
    )


def _infer_missing(meta: DocumentMeta, text: str, has_subject: bool, has_recipients: bool) -> None:
    """Fill type, number, date and issuer from the body when the heading block lacks them."""
    flat = collapse_ws(text)
    folded = fold_keep(flat)
    if not meta.doc_type:
        if has_subject and has_recipients:
            meta.doc_type = "Công văn"
        else:
            meta.doc_type = _doc_type_from_number(meta.number)
    if m := RE_ATTACHED_TO.search(folded):
        kind = DOC_TYPES.get(" ".join(m.group("type").split()), "")
        if kind and (not meta.doc_type or kind == meta.doc_type):
            meta.doc_type = meta.doc_type or kind
            if not meta.number:
                meta.number = re.sub(r"\s+", "", flat[m.start("num") : m.end("num")])
            if not meta.date:
                d, mo, y = m.group("date").split("/")
                meta.date = f"{y}-{int(mo):02d}-{int(d):02d}"
                meta.date_text = f"ngày {flat[m.start('date') : m.end('date')]}"
            if not meta.issuer:
                meta.issuer = flat[m.start("org") : m.end("org")].strip()
    if not meta.issuer and (m := RE_ISSUES.search(flat[:4000])):
        meta.issuer = m.group("org").strip()
    if not meta.issuer and "/" in meta.number:
        meta.issuer = _issuer_from_number(meta.number)
    if not meta.date and (m := RE_PASSED_ON.search(folded)):
        # Laws carry their date at the end: "… thông qua ngày 27 tháng 6 năm 2025."
        meta.date = f"{m.group('y')}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
        meta.date_text = flat[m.start("text") : m.end("text")]
