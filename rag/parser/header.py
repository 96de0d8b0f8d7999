"""The heading block: issuer, "Số:", place and date, "V/v", type title, title, "Kính gửi".

Read on physical lines because its layout is columnar (issuer left, motto right).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.normalize import (
    RE_RECIPIENTS,
    RE_TERMINAL,
    Line,
    fold_keep,
    starts_block,
    strip_markup,
)
from rag.parser.nodes import is_upper
from rag.text import collapse_ws
from rag.vocabulary import ADMIN_LEVELS, DOC_TYPES, ORG_HEADS

HEADER_SCAN_LINES = 80

TYPES_BY_LENGTH = sorted(DOC_TYPES, key=len, reverse=True)
TYPE_ALTS = "|".join(t.replace(" ", r"\s+") for t in TYPES_BY_LENGTH)

# The national motto, or the Party's ("ĐẢNG CỘNG SẢN VIỆT NAM") on Party committees' documents.
RE_MOTTO = re.compile(
    r"^(?:cong\s*hoa\s*xa\s*hoi|doc\s*lap\s*[-–]\s*tu\s*do|dang\s*cong\s*san\s*viet\s*nam\s*$)"
)
RE_MOTTO_ANY = re.compile(
    r"(?:cong\s*hoa\s*xa\s*hoi|doc\s*lap\s*[-–]\s*tu\s*do|dang\s*cong\s*san\s*viet\s*nam\s*$)"
)
# "Số: 12/KH-UBND", "Luật số: 74/2025/QH15", or "Số 37-HD/…" (Party documents, no colon; a
# cited "Nghị quyết số 57-NQ/TW" in a title is not the document's number).
RE_NUMBER_LINE = re.compile(
    r"^(?:(?:(?:" + TYPE_ALTS + r")\s+)?s[o0-9b]\s*[:;]\s*|so\s+(?=\d+\s*[-/]\s*[a-z])"
    # OCR that lost the colon and the slash: "Sô 1849 BGDĐT-GDPT"
    r"|so\s*(?=\d+\s+[a-z][a-z0-9&]*-[a-z]))"
)
# "1849 BGDĐT-GDPT": the number and its code with the slash lost by OCR.
RE_NUMBER_NO_SLASH = re.compile(r"(?P<n>\d+)\s+(?P<code>[A-ZĐ][A-ZĐ0-9&]*-[A-ZĐ0-9&-]+)")
# A handwritten number OCR'd into a letter and a digit ("Á3/KH-DCT") is kept as read (and shown
# as uncertain when its digits were read with low confidence).
RE_NUMBER_VALUE = re.compile(r"(?:\d+\s*|[^\W_]{1,3}\d[^\W_]{0,2}\s*)?/\s*[\w&.\-/]+|\d+[\w&.\-/]*")
RE_WORD_CHAR = re.compile(r"[^\W_]")
# A token with no letter or digit inside a header line ("—#", "“."): seal and scan noise.
RE_NOISE_TOKEN = re.compile(r"(?<!\S)[^\w\s]+(?!\S)")
RE_NUMBER_CODE_ONLY = re.compile(r"^[^/\n]{0,12}?[/}\])|](?P<code>[A-ZĐ][A-ZĐ0-9&]*(?:-[A-ZĐ0-9&]+)+)")
# What scans print before a header line: a stray dot, tilde or quote of seal and scan noise.
OCR_LEADING_NOISE = ".,'\"`~_•·*#|:;“”‘’"
RE_DATE = re.compile(
    r"(?P<place>[^\W\d_][^,\d:;]{0,40}?)?\s*,?\s*(?P<text>ng[aà]y\s*(?:(?P<d>\d{1,2})|[^\s\d]{1,4}(?=\s))?\s*th[aá]ng[\s/⁄.:-]*(?P<m>\d{1,2})?"
    r"[\s/⁄.:-]*n[aăi]m\s*(?P<y>\d{4}))"
)
RE_URGENCY = re.compile(r"^(?:hoa\s*toc|thuong\s*khan|khan|toi\s*mat|mat|tuyet\s*mat)\s*$")
RE_SUBJECT = re.compile(r"^v\s*/\s*v\b\.?\s*:?\s*")
# "Về …", "Về việc …": the same subject without the "V/v" abbreviation.
RE_LETTER_SUBJECT = re.compile(r"^ve\s+\S")
RE_LETTER_SUBJECT_CUE = re.compile(r"^\s*Về(?:\s+việc)?\s*:?\s*", re.IGNORECASE)
RE_BODY_OPENING = re.compile(
    r"^(?:thuc\s+hien|can\s+cu|theo\s|xet\s|nham\s|de\s|tren\s+co\s+so|trong\s+thoi\s+gian|ngay\s+\d)"
)
RE_ISSUER_START = re.compile(
    r"^(?:uy\s*ban|ubnd|hdnd|so\b|bo\b|ban\b|van\s*phong|hoi\s*dong|chinh\s*phu|quoc\s*hoi|tinh\s*uy|"
    r"thanh\s*uy|huyen\s*uy|dang\s*uy|phong\b|cuc\b|tong\s*cuc|trung\s*tam|vien\b|truong\b|thu\s*tuong|"
    r"chu\s*tich|toa\s*an|vien\s*kiem\s*sat|kiem\s*toan|ngan\s*hang|cong\s*an|bo\s*chi\s*huy|mat\s*tran|"
    r"thue\b|chi\s*cuc|kho\s*bac|hai\s*quan|bao\s*hiem\s*xa\s*hoi|tap\s*doan|tong\s*cong\s*ty|hoc\s*vien|dai\s*hoc)"
)
# "KẾ HOẠCH" / "Thực hiện quy chế dân chủ của" / "Văn phòng …": a short line right under the type
# title that opens like the body ("Thực hiện …") but does not end a clause is the title's first
# line; the body's "Thực hiện Công văn số …, Sở … đề nghị" runs longer or ends with punctuation.
RE_TITLE_OPENING = re.compile(r"^Thực hiện\s.*[^\W_]$")
TITLE_LINE_CHARS = 60
# A running-case line under a title in capitals this long, ending as a sentence ends, is the body.
OPENING_SENTENCE_CHARS = 100
# A dispatch's addressees follow "<SENDER> điện:" where letters have "Kính gửi:".
RE_DISPATCH_TO = re.compile(r"^\S.{2,80}\sdien\s*:\s*$")
RECIPIENT_LINE_CHARS = 200  # a longer line after "Kính gửi" that is not a "-" item is the body
RE_TITLE_NUMBER = re.compile(r"^s[o0]\s*:?\s*(?=\d)")
RE_TYPE_TITLE = re.compile(r"^(?P<type>" + TYPE_ALTS + r")(?:\s*:?\s*$|\s+(?=\S))")


@dataclass
class Header:
    end: int = 0
    header_lines: list[Line] = field(default_factory=list)
    recipient_lines: list[Line] = field(default_factory=list)
    issuer_lines: list[str] = field(default_factory=list)
    doc_type: str = ""
    # "Luật số: 80/2025/QH15": the type the number line names, for a heading whose type title
    # was not read (glued to the title by a conversion: "LUẬTCÁN BỘ, CÔNG CHỨC").
    numbered_type: str = ""
    number: str = ""
    place: str = ""
    date: str = ""
    date_text: str = ""
    title_lines: list[str] = field(default_factory=list)
    subject_lines: list[str] = field(default_factory=list)


def type_title(folded: str) -> tuple[str, int]:
    """("Kế hoạch", where the title starts) for "KẾ HOẠCH" or "KẾ HOẠCH TRUYỀN THÔNG NĂM 2026"."""
    m = RE_TYPE_TITLE.match(folded)
    if not m:
        return "", 0
    return DOC_TYPES[" ".join(m.group("type").split())], m.end()


def parse_date(folded: str, original: str) -> tuple[str, str, str] | None:
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


def header_cells(lines: list[Line]) -> list[Line]:
    """A heading block laid out as a table and read as one row ("Số: 1661/NQ-UBTVQH15 | CỘNG HÒA …
    | Hà Nội, ngày …"; web pages and converted files do this): each cell on a line of its own, as a
    printed page puts it. Only rows at the top that hold the motto or a number line are split;
    data tables further down keep their rows."""
    out: list[Line] = []
    for index, ln in enumerate(lines):
        cells = [c.strip() for c in ln.text.split("|")] if index < 5 and "|" in ln.text else []
        folded = [fold_keep(c).strip().lstrip(OCR_LEADING_NOISE).strip() for c in cells]
        if not any(RE_MOTTO_ANY.search(f) or RE_NUMBER_LINE.match(f) for f in folded):
            out.append(ln)
            continue
        for cell in cells:
            cell = cell.strip("-–— ")
            if RE_WORD_CHAR.search(cell):
                out.append(Line(cell, list(ln.pages), [], ln.gap_before))
    return out


def scan_header(lines: list[Line]) -> Header:
    """The heading block at the top, or where the motto puts it when stamps are printed above it.

    E-sign stamps ("Ký bởi: …", "Thời gian ký: …"), copy stamps ("SAO Y"), receipt stamps ("ĐẾN"),
    a Công báo running header or a scan's OCR noise may come before the header: when reading from
    the first line finds less than reading from the motto block (the motto and the issuer lines
    just above it), the latter is kept and the lines before it stay in the header clause unread.
    """
    h = _scan_from(lines, 0)
    if h.number and h.doc_type and (h.date or h.issuer_lines):
        return h
    start = header_start(lines)
    if start <= 0:
        return h
    moved = _scan_from(lines, start)
    if _strength(moved) <= _strength(h):
        return h
    moved.header_lines = list(lines[:start]) + moved.header_lines
    return moved


# Letters of a number's code come from the initials of the issuer's and the type's words:
# among 2,230 code segments of the text sets, "Q" (QĐ, NQ, QH15, CQ) is in 700 and "O" in one.
# An OCR'd "O" in a code is a "Q" whose tail the scan lost, or a zero next to a digit ("C04").
RE_CODE_O = re.compile(r"O")


def ocr_code_letters(number: str) -> str:
    """The number with its code's letters read as codes are written ("02-KH/NBCO" -> "02-KH/NBCQ").

    Only the part after the leading digits is touched; an "O" beside a digit is a zero.
    """
    m = re.match(r"^[^A-ZĐ]*", number)
    head, code = number[: m.end()], number[m.end() :]

    def letter(o: re.Match[str]) -> str:
        i = o.start()
        near = code[i - 1 : i] + code[i + 1 : i + 2]
        return "0" if any(ch.isdigit() for ch in near) else "Q"

    return head + RE_CODE_O.sub(letter, code)


def _strength(h: Header) -> int:
    return sum(bool(x) for x in (h.number, h.date, h.doc_type, h.issuer_lines)) + bool(h.end)


def header_start(lines: list[Line]) -> int:
    """Where the heading block begins: the issuer lines just above the first motto line."""
    limit = min(len(lines), HEADER_SCAN_LINES)
    motto = next((i for i in range(limit) if _motto_line(lines[i].text)), -1)
    if motto <= 0:
        return motto
    first = motto
    for i in range(motto - 1, max(-1, motto - 5), -1):
        text = lines[i].text.strip()
        if not (is_upper(text) and len(text) <= 80 and not starts_block(text)):
            break
        if RE_ISSUER_START.match(fold_keep(text).strip()):
            first = i
    return first


def _issuer_tail(lines: list[Line], i: int, h: Header, title_at: int, folded: str) -> bool:
    """ "QUY CHẾ DÂN CHỦ Ở CƠ SỞ" in a left column ("BAN THỰC HIỆN" / "QUY CHẾ …") above "Số …":
    a line that opens like a type but has a title on it and comes before the number line is the
    issuer's name going on; the document's own type title comes after its number."""
    if h.number or not folded[title_at:].strip():
        return False
    ahead = lines[i + 1 : i + 5]
    return any(
        RE_NUMBER_LINE.match(fold_keep(x.text).strip().lstrip(OCR_LEADING_NOISE).strip()) for x in ahead
    )


def _motto_line(text: str) -> bool:
    """The motto, alone or after the issuer on the same line (two columns read as one line)."""
    f = fold_keep(strip_markup(text)).strip().lstrip(OCR_LEADING_NOISE).strip()
    m = RE_MOTTO_ANY.search(f)
    return bool(m) and (not m.start() or is_upper(text[: m.start()]))


def _scan_from(lines: list[Line], start: int) -> Header:
    h = Header()
    mode = ""
    anchored = motto_seen = False  # anchors: number, date, V/v, type title, Kính gửi
    limit = min(len(lines), start + HEADER_SCAN_LINES)
    i = start
    while i < limit:
        ln = lines[i]
        text = ln.text
        f = fold_keep(strip_markup(text)).strip().lstrip(OCR_LEADING_NOISE).strip()
        if not RE_WORD_CHAR.search(text):
            h.header_lines.append(ln)  # a seal's or scanner's mark ("+", "—"): nothing to read
            i += 1
            continue
        motto = RE_MOTTO_ANY.search(f)
        prefix = text[: motto.start()].strip() if motto else ""
        if motto and (not prefix or (is_upper(prefix) and not anchored)):
            # Two columns on one line: "UBND TỈNH QUẢNG NGÃI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".
            if prefix:
                h.issuer_lines.append(prefix)
            h.header_lines.append(ln)
            motto_seen, mode = True, ""
        elif RE_NUMBER_LINE.match(f) and not h.number:
            rest_at = RE_NUMBER_LINE.match(f).end()
            if (typed := type_title(f))[0] and f[typed[1] :].lstrip().startswith("so"):
                h.numbered_type = typed[0]
            m = RE_NUMBER_VALUE.match(text[rest_at:])
            code = RE_NUMBER_CODE_ONLY.search(text[rest_at:])
            if m and code and not re.search(r"[/-]", m.group(0)) and code.start("code") > m.end():
                m = None  # "2†§ /STTTT-CNTT": digits cut off by OCR noise; the code is what is sure
            lost = RE_NUMBER_NO_SLASH.match(text[rest_at:]) if m and m.group(0).isdigit() else None
            if lost:
                h.number = f"{lost.group('n')}/{lost.group('code')}"
                rest_at += lost.end()
            elif m:
                h.number = re.sub(r"\s+", "", m.group(0)).rstrip(".,;")
                rest_at += m.end()
            elif code:
                # A handwritten number OCR could not read ("Ä Ý 1 }BCA-C04"): its code is kept.
                h.number = "/" + code.group("code")
                rest_at += code.end()
            dated = parse_date(f[rest_at:], text[rest_at:])
            if dated:
                h.place, h.date, h.date_text = dated
            h.header_lines.append(ln)
            anchored, mode = True, ""
        elif (
            not h.date and (dated := parse_date(f, text)) and (dated[0] or f.startswith("ng")) and len(f) < 90
        ):
            h.place, h.date, h.date_text = dated
            column, h.place = split_issuer_column(h.place)
            if column:  # "BAN THỰC HIỆN Vĩnh Long, ngày …": the issuer column's line beside the place
                h.issuer_lines.append(column)
            h.header_lines.append(ln)
            anchored, mode = True, ""
        elif RE_SUBJECT.match(f):
            h.subject_lines.append(text[RE_SUBJECT.match(f).end() :].strip())
            h.header_lines.append(ln)
            anchored, mode = True, "subject"
        elif _letter_subject(f, text, h, lines[i - 1] if i > start else None):
            h.subject_lines.append(RE_LETTER_SUBJECT_CUE.sub("", text, count=1).strip())
            h.header_lines.append(ln)
            anchored, mode = True, "subject"
        elif (
            is_upper(text)
            and not h.doc_type
            and type_title(f)[0]
            and _issuer_tail(lines, i, h, type_title(f)[1], f)
        ):
            h.issuer_lines.append(collapse_ws(RE_NOISE_TOKEN.sub(" ", text)))
            h.header_lines.append(ln)
        elif is_upper(text) and not h.doc_type and _glued_type(text, h.numbered_type):
            # "LUẬTCÁN BỘ, CÔNG CHỨC": the type the number line named, glued to the title.
            h.doc_type = h.numbered_type
            h.title_lines.append(text[len(h.numbered_type) :].strip(" :*"))
            h.header_lines.append(ln)
            anchored, mode = True, "title"
        elif (
            is_upper(text)
            and not h.doc_type
            and (typed := type_title(f))[0]
            and not _issuer_tail(lines, i, h, typed[1], f)
        ):
            h.doc_type = typed[0]
            rest = strip_markup(text)[typed[1] :].strip(" :*")
            if (own := RE_TITLE_NUMBER.match(fold_keep(rest))) and not h.number:
                # "ÁN LỆ SỐ 69/2023/AL": the number shares the type's line.
                value = RE_NUMBER_VALUE.match(rest[own.end() :])
                if value:
                    h.number = re.sub(r"\s+", "", value.group(0)).rstrip(".,;")
                    rest = rest[own.end() + value.end() :].strip(" :*")
            if rest:
                h.title_lines.append(rest)  # "LUẬT ĐẤT ĐAI": the title shares the line
            h.header_lines.append(ln)
            anchored, mode = True, "title"
        elif (RE_RECIPIENTS.match(f) and f.startswith("k")) or (h.doc_type and RE_DISPATCH_TO.match(f)):
            h.recipient_lines.append(ln)
            anchored, mode = True, "recipients"
        elif mode == "subject" and (not opens_body(ln) or text[:1].islower()) and len(h.subject_lines) < 8:
            h.subject_lines.append(text)
            h.header_lines.append(ln)
        elif (
            mode == "title"
            and not _opening_sentence(text, h.title_lines)
            and (
                not opens_body(ln)
                or (not h.title_lines and is_upper(text) and len(text) <= 300)
                or (not h.title_lines and RE_TITLE_OPENING.match(text) and len(text) <= TITLE_LINE_CHARS)
            )
            and len(h.title_lines) < 8
        ):
            h.header_lines.append(ln)
            if h.title_lines and collapse_ws(text) == collapse_ws(h.title_lines[-1]):
                pass  # the title printed twice (a converted page's heading and its text)
            elif h.title_lines and is_upper(text) and not is_upper(h.title_lines[-1]):
                # "Về việc …" then "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH": the enacting authority, not the title.
                mode = ""
            else:
                h.title_lines.append(text)
        elif mode == "recipients" and continues_recipients(h.recipient_lines[-1].text, ln):
            h.recipient_lines.append(ln)
        elif RE_URGENCY.match(f):
            h.header_lines.append(ln)  # "HỎA TỐC", "KHẨN": handling marks, not the issuer
        elif not anchored and is_upper(text) and len(text) <= 80 and not starts_block(text):
            h.issuer_lines.append(collapse_ws(RE_NOISE_TOKEN.sub(" ", text)))
            h.header_lines.append(ln)
        else:
            break
        i += 1
    if not (anchored or motto_seen):
        return Header()
    h.end = i
    return h


def split_issuer_column(place: str) -> tuple[str, str]:
    """(issuer column's words, place) of a place OCR joined to the issuer column's line.

    Two or more all-capitals words (not an abbreviation such as "TP.") before a place written
    in lower case ("BAN THỰC HIỆN Vĩnh Long") are the issuer's line printed beside the date.
    """
    words = place.split()
    k = 0
    while k < len(words) and words[k].isupper() and len(words[k]) >= 2 and not words[k].endswith("."):
        k += 1
    if k < 2 or k == len(words) or words[k].isupper() or not words[k][:1].isupper():
        return "", place
    return " ".join(words[:k]), " ".join(words[k:])


def _glued_type(text: str, doc_type: str) -> bool:
    """ "LUẬTCÁN BỘ, CÔNG CHỨC" for "Luật": the type's words with a letter right after them."""
    head = text[: len(doc_type)]
    return (
        bool(doc_type)
        and head.lower() == doc_type.lower()
        and text[len(doc_type) : len(doc_type) + 1].isalpha()
    )


def _letter_subject(f: str, text: str, h: Header, prev: Line | None) -> bool:
    """A letter's subject printed without "V/v" ("Về hướng dẫn …" under "Số: …/SGDĐT-…"): the
    line right below the number of a document with no type title, in running case."""
    return (
        bool(h.number)
        and not h.doc_type
        and not h.subject_lines
        and prev is not None
        and bool(RE_NUMBER_LINE.match(fold_keep(strip_markup(prev.text)).strip()))
        and bool(RE_LETTER_SUBJECT.match(f))
        and not is_upper(text)
    )


def _opening_sentence(text: str, title_lines: list[str]) -> bool:
    """A sentence in running case under a title printed in capitals ("KẾT LUẬN … TẠI HỘI NGHỊ …"
    then "Hội nghị … đã thống nhất …."): the body's opening, not the title's last line. A title
    goes on in capitals, or in running case without a sentence's length and closing stop."""
    return (
        bool(title_lines)
        and is_upper(title_lines[-1])
        and not is_upper(text)
        and len(text) > OPENING_SENTENCE_CHARS
        and bool(RE_TERMINAL.search(text))
    )


def opens_body(ln: Line) -> bool:
    f = fold_keep(ln.text).strip()
    if ln.text.startswith("Được "):  # "Được Hội đồng Thẩm phán … thông qua": a precedent's opening
        return True
    return starts_block(ln.text) or bool(RE_BODY_OPENING.match(f)) or bool(RE_MOTTO.match(f))


def continues_recipients(prev: str, ln: Line) -> bool:
    text = ln.text
    if text.startswith(("-", "–", "+", "•")):
        return True
    if opens_body(ln) or len(text) > RECIPIENT_LINE_CHARS:
        return False
    return not RE_TERMINAL.search(prev) or prev.rstrip().endswith((",", ";"))


# --- issuer names ------------------------------------------------------------------------------

_ACRONYM = re.compile(r"^[A-ZĐ&]{2,}$")


def title_case_body(text: str) -> str:
    """ "SỞ KHOA HỌC VÀ CÔNG NGHỆ" -> "Sở Khoa học và Công nghệ"; "UBND TỈNH QUẢNG NGÃI" -> "UBND tỉnh Quảng Ngãi"."""
    words = text.split()
    if not words or not is_upper(text):
        return collapse_ws(text)
    out: list[str] = []
    i = 0
    place_mode = False
    new_segment = True
    at_head = True  # at the start, or right after a head: "CHỦ TỊCH" + "ỦY BAN NHÂN DÂN …"
    while i < len(words):
        word = words[i]
        two = fold_keep(" ".join(words[i : i + 2]))
        three = fold_keep(" ".join(words[i : i + 4]))
        if at_head:
            matched = next((k for k in ORG_HEADS if three.startswith(k) or two == k), None)
            if matched:
                n = len(matched.split())
                out.append(ORG_HEADS[matched])
                i += n
                continue
            at_head = False
        if _ACRONYM.match(word) and (word in {"UBND", "HĐND", "MTTQ"} or "&" in word or not _has_vowel(word)):
            out.append(word)
            i += 1
            new_segment = True
            continue
        # "TỈNH HÀ TĨNH": a level word inside a place's name is part of the name.
        level_ok = i > 0 and not (place_mode and not out[-1].endswith(","))
        if level_ok and i + 1 < len(words) and two in ADMIN_LEVELS:
            out.append(" ".join(words[i : i + 2]).lower())
            i += 2
            place_mode = True
            continue
        if level_ok and fold_keep(word) in ADMIN_LEVELS:
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


def split_issuers(lines: list[str]) -> tuple[str, str]:
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
