"""Clause references as drafting staff write them, for a clause.

Pure functions (the other way, a reference read from a question, is ``rag.reading.clauses``):
a locator and the document's metadata become "điểm a khoản 1 Điều 3 Luật Giao dịch điện tử số
20/2023/QH15" or "mục 2 phần II Kế hoạch số 58/KH-UBND ngày 10/10/2025 của UBND tỉnh Quảng Ngãi".
"""

from __future__ import annotations

import re

from index.query import number_matches
from rag.records import Clause, DocumentMeta

# Drafting staff abbreviate the bodies they name.
_ABBREVIATIONS = (
    (re.compile(r"\bỦy ban nhân dân\b|\bUỷ ban nhân dân\b", re.IGNORECASE), "UBND"),
    (re.compile(r"\bHội đồng nhân dân\b", re.IGNORECASE), "HĐND"),
)
# Laws are named by their title and number, without date or issuer.
_NAMED_BY_TITLE = frozenset({"Luật", "Bộ luật", "Pháp lệnh"})
_PLACE = re.compile(r"\b((?:tỉnh|thành phố)\s+\S.*)$", re.IGNORECASE)


def names_number(numbers: list[str], meta: DocumentMeta) -> bool:
    """Does the document carry one of these numbers (OCR'd "CDS" and typed "CĐS" agree, folded)?"""
    return any(number_matches(n, meta.number) for n in numbers if not meta.number.startswith("/"))


# --- formal references ---------------------------------------------------------------------
def iso_to_vietnamese(date: str) -> str:
    """ "2025-10-10" -> "ngày 10/10/2025"; "2025-08" -> "tháng 8 năm 2025"; other text as it is.

    Days below 10 and the months January and February take a leading zero (the drafting rule
    of Nghị định 30/2020/NĐ-CP), other months do not: "ngày 02/6/2025", "ngày 24/01/2025".
    """
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date)
    if m:
        year, month, day = m.group(1), int(m.group(2)), int(m.group(3))
        return f"ngày {day:02d}/{month:02d}/{year}" if month <= 2 else f"ngày {day:02d}/{month}/{year}"
    m = re.fullmatch(r"(\d{4})-(\d{2})", date)
    if m:
        return f"tháng {int(m.group(2))} năm {m.group(1)}"
    return ""


def abbreviate(body: str) -> str:
    """ "Ủy ban nhân dân tỉnh Quảng Ngãi" -> "UBND tỉnh Quảng Ngãi"."""
    for pattern, short in _ABBREVIATIONS:
        body = pattern.sub(short, body)
    return body.strip()


def issuer_named(meta: DocumentMeta) -> str:
    """The issuer as a reader tells it from others, as printed: "Sở Giáo dục và Đào tạo" under
    "UBND tỉnh Đồng Tháp" is "Sở Giáo dục và Đào tạo tỉnh Đồng Tháp" (the place tells which Sở)."""
    issuer = meta.issuer.strip()
    if not issuer:
        return meta.parent_issuer.strip()
    place = _PLACE.search(meta.parent_issuer.strip())
    if place and not _PLACE.search(issuer):
        issuer = f"{issuer} {place.group(1)}"
    return issuer


def _title_case(title: str) -> str:
    title = " ".join(title.split())
    if title.isupper():
        title = title.lower()
    return title[:1].upper() + title[1:]


def document_reference(meta: DocumentMeta) -> str:
    """How drafting staff name the document: type, number, date and issuer."""
    kind = meta.doc_type or "Văn bản"
    number = meta.number.strip()
    if kind in _NAMED_BY_TITLE and meta.title:
        name = f"{kind} {_title_case(meta.title)}"
        return f"{name} số {number}" if number and not number.startswith("/") else name
    out = kind
    if number:
        out += f" số {number}" if not number.startswith("/") else f" số …{number}"  # a draft's blank
    date = iso_to_vietnamese(meta.date)
    if date:
        out += f" {date}"
    issuer = abbreviate(issuer_named(meta))
    if issuer:
        out += f" của {issuer}"
    return out


def locator_words(locator: str, kind: str = "") -> str:
    """A locator in words, narrowest part first: "II.4.b" -> "điểm b mục 4 phần II"."""
    locator = locator.split("#")[0].strip()
    base, _, extra = locator.partition(" · ")
    note = re.fullmatch(r"chú thích (\d+)", extra)
    if base in ("header", "chữ ký", ""):
        return ""
    if base in ("kính gửi", "nơi nhận"):
        return f"phần {base}"
    words = _legal_words(base) if base.startswith(("Điều ", "Chương ")) else _path_words(base, kind)
    return f"chú thích {note.group(1)} tại {words}" if note and words else words


def _legal_words(base: str) -> str:
    head, _, table = base.partition(".")
    m = re.fullmatch(r"Điều (\S+)(?: khoản (\S+))?(?: điểm (\S+))?", head)
    if not m:
        return head
    out = [f"Điều {m.group(1)}"]
    if m.group(2):
        out.insert(0, f"khoản {m.group(2)}")
    if m.group(3):
        out.insert(0, f"điểm {m.group(3)}")
    if table:
        out.insert(0, table)  # "dòng 2"
    return " ".join(out)


def _path_words(base: str, kind: str) -> str:
    appendix = re.match(r"Phụ lục(?: (\S+?))?(?:\.|$)", base)
    tail = base[appendix.end() :] if appendix else base
    segments = [s for s in tail.split(".") if s] if tail else []
    out: list[str] = []
    numbers: list[str] = []
    has_part = False
    for i, s in enumerate(segments):
        last = i == len(segments) - 1
        if numbers and not s.isdigit():
            out.append(_numbered(numbers))
            numbers = []
        roman_next = i + 1 < len(segments) and re.fullmatch(r"[IVXLC]+", segments[i + 1])
        if not appendix and (s in ("A", "B", "D", "E") or (s == "C" and i == 0 and roman_next)):
            out.append(f"phần {s}")
            has_part = True
        elif re.fullmatch(r"[IVXLC]+", s):
            # A roman group of an appendix's table is a "mục"; elsewhere a roman numeral opens a part.
            out.append(f"mục {s}" if has_part or (appendix and kind == "table") else f"phần {s}")
        elif s.isdigit() and last and kind == "table" and appendix:
            if numbers:
                out.append(_numbered(numbers))
                numbers = []
            out.append(f"số thứ tự {s}")
        elif s.isdigit():
            numbers.append(s)
        elif re.fullmatch(r"[a-zđ]", s):
            out.append(f"điểm {s}")
        elif re.fullmatch(r"-\d+", s):
            out.append(f"gạch đầu dòng thứ {s[1:]}")
        elif re.fullmatch(r"\+\d+", s):
            out.append(f"ý thứ {s[1:]}")
        else:
            out.append(s)  # "đoạn 1", "bảng", "dòng 2"
    if numbers:
        out.append(_numbered(numbers))
    if appendix:
        out.insert(0, f"Phụ lục {appendix.group(1)}" if appendix.group(1) else "Phụ lục")
    return " ".join(reversed(out))


def _numbered(numbers: list[str]) -> str:
    """ "2" -> "mục 2"; "2", "3" (printed "2.3.") -> "tiểu mục 2.3"."""
    return f"mục {numbers[0]}" if len(numbers) == 1 else f"tiểu mục {'.'.join(numbers)}"


def formal_reference(clause: Clause, meta: DocumentMeta) -> str:
    """The clause's formal reference: its locator in words, then the document's name."""
    where = locator_words(clause.locator, clause.kind)
    doc = document_reference(meta)
    return f"{where} {doc}" if where else doc
