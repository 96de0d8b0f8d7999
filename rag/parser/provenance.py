"""Second sources for header digits a scan's page leaves in doubt, and where each value came from.

A handwritten "753" under "Số: …/KH-DCT" is read by OCR as "Á3", or not at all. Two other
sources often say it:

* the file's name: document systems and the people who save scans name files by number and
  code ("753-KH-DCT.pdf", "QD_539_QD-DHTD.pdf"). A name's number is taken only when the code
  after it is the code printed on the page (the page's "/KH-DCT"), so a file named after another
  document, or a date, is never read as its number;
* a second reading of the page's digits (``Page.readings``: the "Số" line and the day slot read
  by a second recogniser, ``rag/header_digits.py``).

A value filled from one source stays listed in ``meta.uncertain`` (shown as doubtful); it is
trusted only when two sources agree (the file name and a reading of the page). Where each header
value came from is kept in ``meta.provenance`` ("trang", "tên tệp", "trang + tên tệp").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import PurePath

from rag.records import Document, DocumentMeta
from rag.text import fold

# What stands before the number's first slash, then its code: "753/KH-DCT", "Á3/KH-DCT", "/2025/NĐ-CP".
RE_NUMBER = re.compile(r"^(?P<head>[^/]*?)\s*/\s*(?P<code>[^\W_].*)$")
# A Party number carries its own code before the slash ("02-KH/NBCQ"): not a garbled digit run.
RE_PARTY_HEAD = re.compile(r"\d+\s*-\s*[^\W\d_]")
# An ISO date, with or without its day: "2011-12", "2011-12-16".
RE_MONTH_DATE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})(?:-(?P<d>\d{2}))?$")
RE_TOKEN = re.compile(r"[a-z0-9]+")
PAGE = "trang"
FILE_NAME = "tên tệp"
SECOND_READING = "đọc lại"


def _tokens(text: str) -> list[str]:
    return RE_TOKEN.findall(fold(text).lower())


def number_in_name(source: str, code: str) -> str:
    """The digits the file's name gives right before ``code`` ("753-KH-DCT" -> "753"), or ""."""
    want = _tokens(code)
    if not want:
        return ""
    stem = _tokens(PurePath(source).stem)
    found = {
        stem[i]
        for i in range(len(stem) - len(want))
        if stem[i].isdigit() and stem[i + 1 : i + 1 + len(want)] == want
    }
    return found.pop() if len(found) == 1 else ""


def confirm_number(
    meta: DocumentMeta, source: str, reading: str = "", *, via: str = SECOND_READING, fills: bool = False
) -> None:
    """Fill or confirm the number's digits from the file's name and a second reading of the page.

    ``reading`` is another source's digits (``via``: the second recogniser's for the "Số" line, or
    a citing document's, which ``fills`` a number alone; "" when none). The page's
    own digits stand when they were read with confidence; doubtful or missing ones give way to
    the file name's, trusted only when another source (the page's reading or ``reading``) agrees.
    """
    m = RE_NUMBER.match(meta.number.strip())
    if m is None:
        return
    head, code = m["head"].strip(), m["code"].strip()
    if RE_PARTY_HEAD.search(head):
        return
    digits = head if head.isdigit() else ""  # "Á3": a handwritten number OCR turned into letters
    doubtful = not digits or "number" in meta.uncertain
    if not doubtful:
        meta.provenance.setdefault("number", PAGE)
        return
    named = number_in_name(source, code)
    if PAGE not in meta.provenance.get("number", PAGE):
        digits = ""  # the digits standing are another source's (the file name's), not the page's
    sources = {PAGE: digits, FILE_NAME: named, via: reading}
    votes = [name for name, value in sources.items() if value]
    agreed = next(
        (v for v in (named, digits, reading) if v and sum(x == v for x in sources.values()) >= 2), ""
    )
    value = agreed or named or (reading if fills else "")  # a recogniser's digits alone fill nothing
    if not value:
        return
    meta.number = f"{value}/{code}"
    meta.provenance["number"] = " + ".join(name for name in votes if sources[name] == value)
    if agreed:
        meta.uncertain = [f for f in meta.uncertain if f != "number"]
    elif "number" not in meta.uncertain:
        meta.uncertain.append("number")


def confirm_day(meta: DocumentMeta, day: str) -> None:
    """A date the page printed without its day (handwritten, unread) gets the second reading's day.

    One source: the date stays listed as uncertain, unless the page's own day says the same.
    """
    if not day.isdigit():
        return
    m = RE_MONTH_DATE.match(meta.date)
    if m is None:
        return
    year, month, own = int(m["y"]), int(m["m"]), m["d"]
    try:
        filled = date(year, month, int(day)).isoformat()
    except ValueError:
        return
    if own is None:
        meta.date = filled
        meta.provenance["date"] = SECOND_READING
        if "date" not in meta.uncertain:
            meta.uncertain.append("date")
    elif int(own) == int(day) and "date" in meta.uncertain:
        meta.uncertain = [f for f in meta.uncertain if f != "date"]
        meta.provenance["date"] = f"{PAGE} + {SECOND_READING}"


CITED_BY = "trích dẫn"
# "Công văn số 4552/BCA-C04 ngày 09/10/2025" as rag/parser/meta.py's cited_documents() writes it.
RE_CITATION = re.compile(r"^(?P<type>.+?) số (?P<number>\S+)(?: ngày (?P<date>.+))?$")


def attest_from_citations(doc: Document, others: Iterable[Document]) -> None:
    """Fill a scan's doubtful number and date from the other documents of the corpus citing it.

    A citation counts when it names the document's type and its whole code ("Công văn số
    4552/BCA-C04 ngày 09/10/2025" for a letter whose page reads "Số: …/BCA-C04"), its digits agree
    with those read (page or file name) when any were, and its date with the parts of the page's
    date read without doubt. Several citing documents must agree. The number is trusted when the
    citation agrees with another source; a date taken from citations stays doubtful.
    """
    meta = doc.meta
    own = RE_NUMBER.match(meta.number.strip())
    if own is None or RE_PARTY_HEAD.search(own["head"]) or not meta.doc_type:
        return
    digits, code = own["head"].strip(), fold(own["code"]).lower().replace(" ", "")
    number_doubtful = not digits.isdigit() or "number" in meta.uncertain
    date_doubtful = (
        "date" in meta.uncertain or not RE_MONTH_DATE.match(meta.date or "x") or len(meta.date) < 10
    )
    if not (number_doubtful or date_doubtful):
        return
    found: dict[tuple[str, str], list[str]] = {}
    for other in others:
        if other.id == doc.id:
            continue
        for label in other.meta.cited_documents:
            m = RE_CITATION.match(label)
            cited = RE_NUMBER.match(m["number"]) if m else None
            if m is None or cited is None or fold(m["type"]) != fold(meta.doc_type):
                continue
            if fold(cited["code"]).lower() != code or not cited["head"].isdigit():
                continue
            if digits.isdigit() and cited["head"] != digits:
                continue
            day = _cited_date(m["date"] or "")
            found.setdefault((cited["head"], day), []).append(other.source)
    if len({key[0] for key in found}) != 1:
        return  # none, or citations that disagree: nothing is taken
    number = next(iter(found))[0]
    dates = {d for _, d in found if d}
    if number_doubtful or not digits.isdigit():
        sources = [s for key, srcs in found.items() for s in srcs]
        via = f"{CITED_BY} ({', '.join(sorted(set(sources)))})"
        confirm_number(meta, doc.source, number, via=via, fills=True)
    if date_doubtful and len(dates) == 1:
        cited_date = dates.pop()
        if _agrees(meta, cited_date):
            meta.date = cited_date
            meta.provenance["date"] = CITED_BY
            if "date" not in meta.uncertain:
                meta.uncertain.append("date")


def _cited_date(text: str) -> str:
    """ "09/10/2025" or "9 tháng 10 năm 2025" -> "2025-10-09" ("" when not a whole date)."""
    m = re.search(r"(\d{1,2})\s*(?:/|tháng)\s*(\d{1,2})\s*(?:/|năm)\s*(\d{4})", text)
    if m is None:
        return ""
    try:
        return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
    except ValueError:
        return ""


def _agrees(meta: DocumentMeta, cited: str) -> bool:
    """The cited date says what the page's date read without doubt says (only its year when the
    page's digits were doubtful; year and month otherwise)."""
    m = RE_MONTH_DATE.match(meta.date or "")
    if m is None:
        return not meta.date
    if m["y"] != cited[:4]:
        return False
    return "date" in meta.uncertain or m["m"] == cited[5:7]


def attest_corpus(docs: list[Document], others: Iterable[Document] = ()) -> None:
    """Each scanned document of ``docs`` attested by the citations of ``docs`` and ``others`` (the
    documents already indexed): run at ingest, where the whole corpus is at hand."""
    every = [*docs, *others]
    for doc in docs:
        if doc.ocr_pages:
            attest_from_citations(doc, every)
