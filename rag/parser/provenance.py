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
from datetime import date
from pathlib import PurePath

from rag.records import DocumentMeta
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


def confirm_number(meta: DocumentMeta, source: str, reading: str = "") -> None:
    """Fill or confirm the number's digits from the file's name and a second reading of the page.

    ``reading`` is the second recogniser's digits for the "Số" line ("" when none). The page's
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
    sources = {PAGE: digits, FILE_NAME: named, SECOND_READING: reading}
    votes = [name for name, value in sources.items() if value]
    agreed = next(
        (v for v in (named, digits, reading) if v and sum(x == v for x in sources.values()) >= 2), ""
    )
    value = agreed or named
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
