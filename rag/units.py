"""Unit names as entities: the bodies a document gives tasks to, normalised into one name and id.

Pure functions. "Sở KH&CN", "Sở Khoa học và Công nghệ", "sở khoa học và công nghệ tỉnh Quảng
Ngãi" and "Sở Khoa học  và Công nghệ chủ trì" are one unit; "UBND tỉnh" and "Ủy ban nhân dân
tỉnh Quảng Ngãi" are one. The abbreviations and the duty words that end a name are data in
``rag.vocabulary``. A unit's id ignores marks, case, punctuation and "và", so spelling variants
("Sở Văn hoá Thể thao du lịch") meet; the place after "tỉnh"/"thành phố" is dropped, so the same
office of different provinces shares an id (answers group its tasks by document, which names
the province).
"""

from __future__ import annotations

import re

from rag.text import collapse_ws, fold, nfc
from rag.vocabulary import (
    COLLECTIVE_BODY_WORDS,
    COLLECTIVE_UNIT_HEADS,
    ORGANISATION_HEADS,
    UNIT_DUTY_WORDS,
    UNIT_DUTY_WORDS_CAPITALISED,
    UNIT_FIELD_ABBREVIATIONS,
    UNIT_HEAD_ABBREVIATIONS,
    UNIT_HEADS_NEED_NAME,
)

_HEADS = "|".join(sorted(map(re.escape, ORGANISATION_HEADS), key=len, reverse=True))
# A capitalised head opens a new unit inside a list ("…, Sở Tài chính"); lower-case only "các"/"những".
_NEXT_UNIT = re.compile(rf"^(?:(?:{_HEADS})\b|UBND\b|(?:các|những)\s)")
# "Bộ trưởng Bộ Tài chính", "Chủ tịch Ủy ban nhân dân tỉnh …": a duty given to the head of a
# body is the body's (its tasks are listed under the body's name).
_HEAD_TITLE = re.compile(
    r"^(?:Bộ trưởng|Thủ trưởng|Chủ tịch|Giám đốc|Tổng Giám đốc|Cục trưởng|Trưởng ban|Chánh Văn phòng)\s+"
    rf"(?=(?:{_HEADS})\b|UBND\b)"
)
_DUTY = re.compile(
    r"\s(?:"
    + "|".join(map(re.escape, UNIT_DUTY_WORDS))
    + r")(?=[\s,;:.]|$)|\s(?:"
    + "|".join(map(re.escape, UNIT_DUTY_WORDS_CAPITALISED))
    + r")(?=[\s,;:.]|$)"
)
_MARKER = re.compile(r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?\)?|[a-zđ]\)|[-+•*–])\s*")
_REQUEST = re.compile(r"^(?:Đề nghị|Giao cho|Giao|Yêu cầu|Trách nhiệm của)\s+", re.IGNORECASE)
_PAREN = re.compile(r"\s*\([^()]*\)")
# "Sở KH&CN", "Bộ VH,TT&DL": an abbreviated field after the head.
_ABBREVIATED_FIELD = re.compile(r"\b(Sở|Bộ)\s+([A-ZĐ][A-ZĐ&,.\-]*[A-ZĐ])(?=[\s,;:.)]|$)")
_ABBREVIATED_HEAD = re.compile(r"\b([A-ZĐ][A-ZĐ&]{1,7})\b")
# The place after a level word: "tỉnh Bình Minh", "Thành phố X", "TP. Hồ Chí Minh".
_PLACE = re.compile(
    r"\s(tỉnh|Tỉnh|thành phố|Thành phố|TP\.?)\s+[A-ZĐÂĂÊÔƠƯ][^\s,;]*(?:\s+[A-ZĐÂĂÊÔƠƯ][^\s,;]*){0,3}$"
)
_SO_LEVEL = re.compile(r"^(Sở\s.+?)\s+(?:tỉnh|thành phố|Thành phố)$")
# Joiners left at the end of a name cut mid-list ("và các" is "và" then "các": one parse per run,
# where the two spellings made it exponential); matched only from the start of the trailing run
# (not after a space or another joiner), so a long run is scanned once, not once per word.
_TRAILING_JOINERS = re.compile(r"(?<!\s)(?<!\svà)(?<!\scác)(?<!\scùng)(?:\s+(?:và|các|cùng))++$")
MAX_NAME = 120


def _letters(abbreviation: str) -> str:
    return re.sub(r"[^a-z]", "", fold(abbreviation))


def expand_abbreviations(text: str) -> str:
    """ "Sở KH&CN" -> "Sở Khoa học và Công nghệ", "UBND tỉnh" -> "Ủy ban nhân dân tỉnh"."""

    def field(m: re.Match[str]) -> str:
        full = UNIT_FIELD_ABBREVIATIONS.get(_letters(m.group(2)))
        return f"{m.group(1)} {full}" if full else m.group(0)

    def head(m: re.Match[str]) -> str:
        return UNIT_HEAD_ABBREVIATIONS.get(_letters(m.group(1)), m.group(0))

    return _ABBREVIATED_HEAD.sub(head, _ABBREVIATED_FIELD.sub(field, nfc(text)))


def clean_name(raw: str) -> str:
    """One unit name as printed, without marker, request verb, duty, parenthesis, place or punctuation."""
    name = collapse_ws(nfc(raw)).strip(" *_")
    name = _MARKER.sub("", name)
    name = _REQUEST.sub("", name)
    name = _HEAD_TITLE.sub("", name)
    name = _PAREN.sub("", name)
    if m := _DUTY.search(name):
        name = name[: m.start()]
    name = expand_abbreviations(name).strip(" .,;:-–")
    name = _TRAILING_JOINERS.sub("", name)  # "… tỉnh và các" cut off mid-list
    name = _PLACE.sub(
        lambda m: " " + m.group(1).lower().replace("tp.", "thành phố").replace("tp", "thành phố"), name
    )
    if m := _SO_LEVEL.match(name):
        name = m.group(1)  # "Sở Tư pháp tỉnh": a department is always the province's
    name = name.replace("Uỷ", "Ủy")
    return name[:1].upper() + name[1:] if name else ""


def split_units(value: str) -> list[str]:
    """The unit names in a field value or table cell ("Sở A; Sở B, Sở C và các đơn vị liên quan")."""
    out: list[str] = []
    for part in re.split(r"[;\n]+", expand_abbreviations(value)):
        part = collapse_ws(part)
        if m := _DUTY.search(part):
            part = part[: m.start()]  # "Sở Nội vụ chủ trì, phối hợp với các sở …": the lead only
        # A glued list ("Sở Khoa học và Công nghệ Sở Công Thương"): a new "Sở" after a lower-case word.
        part = re.sub(r"(?<=[a-zà-ỹđ])\s+(?=Sở\s+[A-ZĐ])", ", ", part)
        pieces = re.split(r"\s*,\s*|\s+và\s+", part)
        current = ""
        for piece in pieces:
            if current and _NEXT_UNIT.match(piece):
                out.append(current)
                current = piece
            else:
                sep = (
                    " và "
                    if current and re.search(rf"{re.escape(current)}\s+và\s+{re.escape(piece)}", part)
                    else ", "
                )
                current = f"{current}{sep}{piece}" if current else piece
        if current:
            out.append(current)
    names = [clean_name(n) for n in out]
    return [n for n in dict.fromkeys(names) if n and len(n) <= MAX_NAME]


def unit_key(name: str) -> str:
    """Comparison form: folded words without punctuation and "và" ("so van hoa the thao du lich")."""
    words = re.findall(r"[a-z0-9]+", fold(name))
    return " ".join(w for w in words if w != "va")


def unit_id(name: str) -> str:
    return unit_key(name).replace(" ", "-")


def is_collective(name: str) -> bool:
    """Names many bodies ("Các sở, ban, ngành", "Sở, ban, ngành có liên quan") or none in particular ("Doanh nghiệp")."""
    folded = fold(name)
    if any(folded == h or folded.startswith(h + " ") for h in COLLECTIVE_UNIT_HEADS):
        return True
    if re.match(r"^\w+\s*,", folded) or "lien quan" in folded:
        return True
    return len(folded.split()) <= 2 and not re.match(rf"^(?:{_HEADS})\s+\S", name)


_COLLECTIVE_BODIES = re.compile(
    r"^(?:" + "|".join(COLLECTIVE_UNIT_HEADS) + r")\s+(?:" + "|".join(COLLECTIVE_BODY_WORDS) + r")\b"
)


def is_unit_name(name: str) -> bool:
    """Starts like a body's name ("Sở …", "Ủy ban nhân dân …", "Công an tỉnh", "Các sở, ngành")."""
    if not re.match(rf"^(?:{_HEADS})\b", name) or len(name) > MAX_NAME:
        return False
    folded = fold(name)
    if any(folded.startswith(h + " ") for h in COLLECTIVE_UNIT_HEADS):
        return bool(_COLLECTIVE_BODIES.match(folded))
    return True


# A heading or item that names the unit whose duties follow: "Sở Tài chính", "2. Sở Tài chính:
# bố trí …", "3. Sở Y tế Phối hợp …", "Sở Nông nghiệp và Môi trường chỉ đạo … các nội dung sau".
_SECTION = re.compile(
    rf"^(?P<name>(?:{_HEADS}|UBND)\b[^:\n]{{0,{MAX_NAME}}}?)(?::\s*(?P<rest>.*)|$)", re.DOTALL
)


def section_unit(text: str) -> tuple[str, str] | None:
    """(unit name, the duty text after it) when a clause opens with a unit's name, else None."""
    flat = _MARKER.sub("", collapse_ws(nfc(text)))
    flat = _HEAD_TITLE.sub("", _REQUEST.sub("", flat))
    m = _SECTION.match(flat)
    if m is None:
        # "3. Sở Y tế Phối hợp …": the name runs up to a capitalised duty word.
        d = re.match(
            rf"^((?:{_HEADS}|UBND)\b.{{2,{MAX_NAME}}}?)\s(?=(?:"
            + "|".join(map(re.escape, UNIT_DUTY_WORDS_CAPITALISED))
            + r")\b)",
            flat,
        )
        if d is None:
            # "Bộ trưởng Bộ Tài chính chủ trì … rà soát …" (no colon, a long duty): the name runs up
            # to its first duty word.
            d = re.match(rf"^(?:{_HEADS}|UBND)\b", flat)
            cut = _DUTY.search(flat, 0, MAX_NAME) if d else None
            if cut is None:
                return None
            name, rest = flat[: cut.start()], flat[cut.start() :]
        else:
            name, rest = d.group(1), flat[d.end() :]
    else:
        name, rest = m.group("name"), m.group("rest") or ""
        if (cut := _DUTY.search(name)) is not None:
            rest = name[cut.start() :].strip() + (": " + rest if rest else "")
            name = name[: cut.start()]
    cleaned = clean_name(name)
    if not cleaned or not is_unit_name(cleaned) or len(cleaned.split()) < 2 or not _names_a_body(cleaned):
        return None
    return cleaned, rest.strip()


_NEEDS_NAME = re.compile(
    r"^(?:" + "|".join(sorted(map(re.escape, UNIT_HEADS_NEED_NAME), key=len, reverse=True)) + r")\s+(\S)"
)


def _names_a_body(name: str) -> bool:
    """ "Phòng Tổ chức", not "Phòng chống dịch"; "Sở, ban, ngành" passes (a collective)."""
    m = _NEEDS_NAME.match(name)
    return m is None or m.group(1).isupper() or not m.group(1).isalpha()
