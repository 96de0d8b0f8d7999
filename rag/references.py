"""Clause references as drafting staff write them: read one from a question, write one for a clause.

Pure functions. A question names a clause by its parts in any order ("khoản 2 Điều 9 Nghị định
13/2023/NĐ-CP", "mục 2 phần II Kế hoạch số 58/KH-UBND", "mục II.2 kế hoạch của UBND tỉnh"),
with or without marks; ``parse_reference`` turns the parts into the parser's locators
(docs/parser.md: "Điều 9 khoản 2", "II.2", "Phụ lục 2.VIII.18"). ``formal_reference`` goes
the other way: a locator and the document's metadata become "điểm a khoản 1 Điều 3 Luật Giao
dịch điện tử số 20/2023/QH15" or "mục 2 phần II Kế hoạch số 58/KH-UBND ngày 10/10/2025 của
UBND tỉnh Quảng Ngãi".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.query import analyze_query, number_matches
from rag.records import Clause, DocumentMeta
from rag.text import fold_aligned, nfc

_ROMAN = r"[ivxlc]{1,6}"
# Locator words (folded) and the value each takes. Order of the tuple is the rank, widest first.
_PARTS: tuple[tuple[str, str], ...] = (
    ("appendix", rf"phu\s+luc(?:(?:\s+so)?\s+(\d{{1,2}}|{_ROMAN})\b)?"),
    ("part", rf"phan(?:\s+thu)?\s+({_ROMAN}|[a-e]|\d{{1,2}})(?![\w.])"),
    ("chapter", rf"chuong\s+({_ROMAN}|\d{{1,2}})\b"),
    ("section", rf"(?<!tieu )muc\s+((?:{_ROMAN}|\d{{1,2}})(?:\.\d{{1,2}})*)(?![\w])"),
    ("subsection", r"tieu\s+muc\s+(\d{1,2}(?:\.\d{1,2})*)\b"),
    ("article", r"dieu\s+(\d{1,3}[a-z]?)\b"),
    ("clause", r"khoan\s+(\d{1,2})\b"),
    ("point", r"diem\s+([a-zđ]|\d{1,2}(?:\.\d{1,2})*)(?![\w])"),
    ("row", r"(?:dong(?:\s+so)?|stt|so\s+thu\s+tu)\s+(\d{1,3})\b"),
    ("footnote", r"chu\s+thich(?:\s+so)?\s*\[?(\d{1,3})\]?(?!\d)"),
)
_PART_PATTERNS = tuple((kind, re.compile(rf"\b{p}")) for kind, p in _PARTS)
_RANK = {kind: i for i, (kind, _) in enumerate(_PARTS)}
# Drafting staff abbreviate the bodies they name.
_ABBREVIATIONS = (
    (re.compile(r"\bỦy ban nhân dân\b|\bUỷ ban nhân dân\b", re.IGNORECASE), "UBND"),
    (re.compile(r"\bHội đồng nhân dân\b", re.IGNORECASE), "HĐND"),
)
# Laws are named by their title and number, without date or issuer.
_NAMED_BY_TITLE = frozenset({"Luật", "Bộ luật", "Pháp lệnh"})
_PLACE = re.compile(r"\b((?:tỉnh|thành phố)\s+\S.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class ClauseReference:
    """The locator parts a question names, folded values as typed (roman numerals upper-cased)."""

    parts: dict[str, str]
    spans: tuple[tuple[int, int], ...] = field(default=(), compare=False)  # where, in the question

    def locators(self) -> list[str]:
        """The parser locators this reference may mean, most literal first; a footnote's is
        "<clause> · chú thích N", or "· chú thích N" when the question names only the note."""
        if "footnote" in self.parts:
            rest = ClauseReference({k: v for k, v in self.parts.items() if k != "footnote"})
            note = f"· chú thích {self.parts['footnote']}"
            return [f"{base} {note}" for base in rest.locators()] or [note]
        p = self.parts
        if "article" in p:
            out = f"Điều {p['article']}"
            if "clause" in p:
                out += f" khoản {p['clause']}"
                if "point" in p:
                    out += f" điểm {p['point']}"
            return [out]
        path: list[str] = []
        for kind in ("part", "section", "subsection", "clause", "point", "row"):
            if kind in p:
                values = p[kind].split(".")
                # "tiểu mục 2.3" under "mục 2": the printed number repeats its parent.
                if path and kind == "subsection" and values[0] == path[-1]:
                    values = values[1:]
                path += values
        if "appendix" in p:
            head = f"Phụ lục {p['appendix']}".strip()
            return [head + "." + ".".join(path)] if path else [head]
        if "chapter" in p and not path:
            return [f"Chương {p['chapter']}"]
        return [".".join(path)] if path else []


def _value(kind: str, raw: str) -> str:
    if kind in ("point",) and not raw[0].isdigit():
        return raw.lower()
    if re.fullmatch(r"[ivxlc]+(\.\d+)*", raw) or (kind == "part" and raw.isalpha()):
        head, _, rest = raw.partition(".")
        return head.upper() + ("." + rest if rest else "")
    return raw


def parse_reference(question: str) -> ClauseReference | None:
    """The clause a question names by its locator parts, or None when it names none.

    Matched on a folded copy aligned with the question, so "Điều", "Dieu" and OCR's "Ðiều"
    agree and a letter such as "điểm đ" is read from the marked text.
    """
    text = nfc(question).replace("Ð", "Đ").replace("ð", "đ")
    folded = fold_aligned(text)
    parts: dict[str, str] = {}
    spans: list[tuple[int, int]] = []
    for kind, pattern in _PART_PATTERNS:
        m = pattern.search(folded)
        if not m or kind in parts:
            continue
        raw = text[m.start(1) : m.end(1)].lower() if kind == "point" else m.group(1) or ""
        if kind == "part" and raw in "abde" and not text[m.start(1)].isupper():
            continue  # a part letter is written in capitals ("phần A"), "phần a" is running text
        parts[kind] = _value(kind, raw)
        spans.append(m.span())
    if parts.get("appendix") == "" and len(parts) == 1:
        return None  # "theo phụ lục …" names no clause by itself
    if not parts:
        return None
    return ClauseReference(parts=parts, spans=tuple(spans))


def document_numbers(question: str) -> list[str]:
    """Document numbers a question names ("58/kh-ubnd", "13/2023/nd-cp", "58" after a type), folded."""
    hints = analyze_query(question)
    numbers = [r.number for r in hints.doc_refs] + list(hints.numbers)
    return list(dict.fromkeys(numbers))


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


def _issuer(meta: DocumentMeta) -> str:
    issuer = meta.issuer.strip()
    if not issuer:
        return abbreviate(meta.parent_issuer)
    # "Sở Khoa học và Công nghệ" under "UBND tỉnh Quảng Ngãi": the place tells which Sở.
    place = _PLACE.search(meta.parent_issuer.strip())
    if place and not _PLACE.search(issuer):
        issuer = f"{issuer} {place.group(1)}"
    return abbreviate(issuer)


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
    issuer = _issuer(meta)
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
