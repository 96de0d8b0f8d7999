"""A question's form: answer choices ("… A. … B. …") or a yes/no frame ("…, đúng hay sai?").

Pure functions over the question text. The form is separated from the content so that what
retrieval, intent analysis and the support check see is the question itself (the stem, or the
statement to verify), not the choices or the words that ask for a verdict. Everything is
matched on the aligned folded form (no diacritics, same length as the text), so unmarked
questions behave like marked ones and spans cut the original text.
"""

from __future__ import annotations

import re

from rag.questions import Choice, QuestionForm
from rag.text import collapse_ws, fold_aligned, nfc

MIN_CHOICES, MAX_CHOICES = 2, 6
_LETTERS = "abcdef"


# A choice marker: a letter and ".", ")" or ":", optionally after "Đáp án"/"Phương án".
_MARKER = re.compile(
    r"(?:(?<=\s)|(?<=^)|(?<=[(\[]))(?:(?:dap an|phuong an|lua chon)\s+(?P<named>[a-f])\s*(?P<np>[.):])?"
    r"|(?P<letter>[a-f])\s*(?P<p>[.):]))(?=\s|$)"
)
# A letter after a locator word is a point of an article ("điểm a)"), not a choice.
_LOCATOR_BEFORE = re.compile(r"\b(diem|khoan|dieu|muc|tiet|phu luc|chuong|phan)\s*$")
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»|‘[^’]*’")
_NUMBERED = re.compile(r"^\s*(?:cau(?: hoi)?\s*\d+\s*[.:)]|\d+\s*[.)])\s*")
# Phrases that ask to pick a choice: not content, so neither retrieval nor the support check sees them.
_PICK_PHRASES = re.compile(
    r"\(?\b(?:hay\s+)?chon\s+(?:mot\s+)?(?:dap an|phuong an|cau tra loi|y|cau)(?:\s+(?:dung|chinh xac|phu hop))?"
    r"(?:\s+nhat)?\b\)?[:.]?"
    r"|\b(?:phat bieu|nhan dinh|khang dinh|dap an|phuong an|lua chon|y|cau)\s+nao\s+(?:sau day|duoi day)?\s*"
    r"(?:la\s+)?(?:dung|chinh xac|sai|khong dung)(?:\s+nhat)?(?:\s+(?:ve|voi|khi noi ve))?\b"
    r"|\b(?:sau day|duoi day)\b|\b(?:dung|chinh xac)\s+nhat\b"
)


def _mask_quotes(folded: str) -> str:
    """Quoted text ("a) …; b) …" cited from a plan) is content: markers inside it do not count."""
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), folded)


def _markers(text: str, folded: str) -> list[tuple[str, int, int]]:
    """(letter, start, end) of candidate choice markers, in order."""
    masked = _mask_quotes(folded)
    out = []
    for m in _MARKER.finditer(masked):
        if _LOCATOR_BEFORE.search(masked[: m.start()]):
            continue
        group = "named" if m.group("named") else "letter"
        # "Đáp án a" is as explicit as a marker with punctuation.
        punct = ")" if group == "named" else m.group("p")
        out.append((m.group(group), m.start(), m.end(), text[m.start(group)].isupper(), punct))
    # One letter case for the whole run: "A. … b) …" is not one list of choices.
    runs = []
    for upper in (True, False):
        run = _consecutive([x for x in out if x[3] == upper])
        if run:
            runs.append((run, upper))
    if not runs:
        return []
    run, upper = max(runs, key=lambda r: len(r[0]))
    # Lower-case "a." / "a:" inline reads as prose; lower-case choices need ")" or their own lines.
    if not upper:
        own_lines = all(
            text[:s].rstrip(" \t").endswith("\n") or not text[:s].strip() for _, s, _, _, _ in run
        )
        if not own_lines and any(p != ")" for *_, p in run):
            return []
        if not own_lines and not text[: run[0][1]].rstrip().endswith(("?", ":")):
            return []
    return [(letter.upper(), s, e) for letter, s, e, _, _ in run]


def _consecutive(markers: list[tuple]) -> list[tuple]:
    """The run a, b, c, … in text order, starting at the first "a"."""
    run: list[tuple] = []
    for m in markers:
        expected = _LETTERS[len(run)] if len(run) < len(_LETTERS) else None
        if m[0] == expected:
            run.append(m)
    return run


def _clean_choice(text: str) -> str:
    return collapse_ws(text).strip(" ;,").rstrip(".").strip()


def _cut(text: str, pattern: re.Pattern[str]) -> str:
    """`text` without the spans `pattern` finds in its aligned folded form."""
    folded = fold_aligned(text)
    out, last = [], 0
    for m in pattern.finditer(folded):
        out.append(text[last : m.start()])
        last = m.end()
    out.append(text[last:])
    return collapse_ws(" ".join(out))


def _strip_numbering(text: str) -> str:
    m = _NUMBERED.match(fold_aligned(text))
    return text[m.end() :] if m else text


def parse_choices(question: str) -> tuple[str, tuple[Choice, ...]] | None:
    """(stem, choices) when the question lists 2–6 answer choices A, B, … ; else None."""
    text = nfc(question).strip()
    folded = fold_aligned(text)
    run = _markers(text, folded)
    if not MIN_CHOICES <= len(run) <= MAX_CHOICES:
        return None
    stem = text[: run[0][1]].strip()
    choices = []
    for i, (letter, _, end) in enumerate(run):
        stop = run[i + 1][1] if i + 1 < len(run) else len(text)
        body = _clean_choice(text[end:stop])
        if not body or len(body) > 400:
            return None
        choices.append(Choice(letter, body))
    if not fold_aligned(stem).strip(" ?:.-"):
        stem = ""
    return _strip_numbering(stem), tuple(choices)


_ASKS_FALSE = re.compile(
    r"\b(?:nao|y|dap an|phuong an|phat bieu|nhan dinh|khang dinh)\b[^?]*\b(?:sai|khong dung|khong chinh xac)\b"
    r"|\bngoai tru\b"
)


def choice_stem(stem: str) -> str:
    """The stem as content: "Cơ quan nào sau đây là …" -> "Cơ quan nào là …"; "chọn đáp án đúng" dropped."""
    return _cut(stem, _PICK_PHRASES).strip(" :-–")


# Yes/no frames (folded, trailing punctuation removed). Each: pattern, verdict words. A run of
# separators before the verdict words is taken whole (possessive): the words after it start with a
# letter, so no other split could match, and trying every split of a long run is quadratic.
_WH = re.compile(
    r"\b(gi|nao|ai|bao nhieu|bao lau|bao gio|khi nao|o dau|vi sao|tai sao|the nao|nhu the nao|may)\b"
)
_YES_NO: tuple[tuple[re.Pattern[str], tuple[str, str]], ...] = (
    (
        re.compile(
            r"^(?:nhan dinh|khang dinh|menh de|phat bieu|y kien|cau)(?:\s+sau(?:\s+day)?)?\s+(?:la\s+)?dung hay sai"
            r"\s*[:\-–]\s*(?P<s>.+)$"
        ),
        ("Đúng", "Sai"),
    ),
    (
        re.compile(
            r"^(?P<s>.+?)[\s,;:.\-–]++(?:dieu (?:nay|do)\s+)?(?:la\s+|thi\s+|co\s+)?"
            r"(?:dung hay sai|dung hay khong|dung khong|phai khong|co dung khong|co phai khong|co chinh xac khong)$"
        ),
        ("Đúng", "Sai"),
    ),
    (
        re.compile(r"^(?:co phai|phai chang)(?:\s+la)?\s+(?P<s>.+?)(?:\s++(?:hay\s++)?khong)?$"),
        ("Có", "Không"),
    ),
    (re.compile(r"^(?P<s>.+?)[\s,]++(?:hay|hoac)\s+khong$"), ("Có", "Không")),
    (re.compile(r"^(?P<s>.*\b(?:co|duoc|phai|bi|can|nen)\b.+?)\s+khong$"), ("Có", "Không")),
)


def parse_yes_no(question: str) -> tuple[str, tuple[str, str]] | None:
    """(statement, verdict words) when the question asks whether something holds; else None."""
    text = _strip_numbering(nfc(question).strip())
    body = text.rstrip(" ?.!")
    folded = fold_aligned(body).lower()
    for pattern, verdicts in _YES_NO:
        m = pattern.match(folded)
        if not m:
            continue
        statement = body[m.start("s") : m.end("s")].strip(" ,;:-–")
        # "Ai có trách nhiệm … không?" asks for someone, and a statement needs some words.
        if _WH.search(fold_aligned(statement)) or len(statement.split()) < 3:
            return None
        return statement, verdicts
    return None


def parse_form(question: str) -> QuestionForm:
    """The question's form; `QuestionForm.stem` is what the answerer analyses and retrieves with."""
    parsed = parse_choices(question)
    if parsed is not None:
        stem, choices = parsed
        asks_false = bool(_ASKS_FALSE.search(fold_aligned(stem)))
        stem = choice_stem(stem)
        if not re.search(r"\w", stem):
            stem = ""  # "Phát biểu nào sau đây đúng?": the choices are the whole content
        return QuestionForm("choices", stem, choices, pick_false=asks_false)
    yes_no = parse_yes_no(question)
    if yes_no is not None:
        return QuestionForm("yes_no", yes_no[0], verdicts=yes_no[1])
    return QuestionForm("plain", question)
