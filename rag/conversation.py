"""Follow-up questions: the scope a conversation has set, and a follow-up rewritten within it.

Pure functions over client-held history (``[Turn(question, answer, doc_id)]``). Each turn is read
in order against the scope before it, so "Còn nhiệm vụ 3 thì sao?" after "Còn nhiệm vụ 2 thì
sao?" still means the first question's document. A follow-up that needs a scope the history
does not give is not guessed: ``Resolution.clarify`` asks which document (or task) is meant.
The caller checks ``doc_id`` against the asker's access (a turn's document is only a hint).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rag.text import fold_aligned, has_diacritics, nfc

MAX_TURNS = 6  # the last turns read; older ones cannot change the scope
MAX_QUESTION_CHARS = 2000
MAX_ANSWER_CHARS = 4000

_TYPES = (
    r"van ban|ke hoach|cong van|bao cao|quyet dinh|nghi quyet|nghi dinh|thong tu|luat|chi thi"
    r"|huong dan|to trinh|thong bao|chuong trinh|de an|cong dien"
)
# "đó/này/ấy/nói trên": the one just talked about. Unmarked "do" is also "by" ("kế hoạch do
# UBND ban hành"), so without marks it counts only where "by" cannot follow.
_THAT = r"(?:do|nay|ay|noi tren|vua (?:roi|neu|hoi))"
_THAT_END = r"(?=\s*(?:$|[?.,;:!]|thi\b|la\b|co\b|duoc\b|quy\b|ve\b|gom\b|giao\b|ky\b|ban hanh\b|het\b))"
_DOC_THAT = re.compile(rf"\b({_TYPES})\s+{_THAT}\b")
# With marks, the demonstrative and the head are written as such.
_MARKED_THAT = re.compile(r"(?:^|\s)(?:đó|này|ấy|nói trên|vừa (?:rồi|nêu|hỏi))$")
_MARKED_HEADS = frozenset(
    "văn kế công báo quyết nghị thông luật chỉ hướng tờ chương đề nhiệm mục đơn cơ sở phòng ban".split()
)
_TASK_THAT = re.compile(rf"\b(?:nhiem vu|muc)\s+{_THAT}\b")
_UNIT_THAT = re.compile(rf"\b(?:don vi|co quan|(?<!co )so|phong|(?<!van )ban)\s+{_THAT}\b")
# "Còn nhiệm vụ 3 thì sao?", "Thế còn Sở Tài chính?", "Vậy còn năm 2026 thì thế nào?"
# Linear: a run of spaces is never split between two \s* (possessive), and the closing part
# ("thì sao?") is atomic: its one parse is tried once per end of x, never re-split.
_ELLIPSIS = re.compile(
    r"^\s*+(?:(?:vay|the)\s*+)?con\s+(?P<x>.+?)"
    r"(?>\s*(?P<tail>(?:thi\s+)?(?:sao|the nao|ra sao|nhu the nao))?\s*[?.!]*\s*)$"
)
_TASK = re.compile(r"\b(nhiem vu|muc)\s+(?:so\s+|thu\s+)?(\d{1,2})\b")
_YEAR = re.compile(r"\bnam\s+((?:19|20)\d{2})\b")
_DOC_PHRASE = re.compile(
    rf"\b(?:{_TYPES})\b(?:\s+cap tinh)?(?:\s+so)?(?:\s+[\w/&.-]*\d[\w/&.-]*)?"
    r"(?:\s+(?:cua|do)\s+[\w&]+(?:\s+(?!(?:co|la|duoc|thi|ve|nao|gi|quy|giao|ky|ban|khi|bao|ai|thuc|chu|phoi|nam|ngay)\b)[\w&]+){0,7})?"
)
_UNIT_HEAD = r"(?:Ban|UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Trung tâm|Văn phòng|Công an|Bộ|Đài|Báo|Liên minh|Chi cục|Cục|Sở)"
_UNIT = re.compile(
    rf"(?<!\w)({_UNIT_HEAD}(?:\s+(?!(?:có|là|được|thực|chủ|phối|trong|của|theo|tại|nào|gì|thì|làm|giao|cần|phải|sẽ|đã|và các|ký|ban hành|trước)\b)[\w&,-]+){{1,8}})"
)


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str = ""
    doc_id: str = ""  # the document the answer cited first (a hint the caller validates)


@dataclass(frozen=True)
class Scope:
    question: str = ""  # the last question as it was understood (what an ellipsis varies)
    document: str = ""  # how the user named the document: "kế hoạch của UBND tỉnh"
    doc_id: str = ""
    task: int | None = None
    unit: str = ""
    year: str = ""


@dataclass(frozen=True)
class Resolution:
    question: str  # what to ask
    follow_up: bool = False
    clarify: str = ""  # non-empty: what to ask the user back ("document" or "task")
    doc_id: str = ""  # the follow-up refers to this document (restrict to it when readable)
    needs_document: bool = False  # ... and has no other way of naming it
    slot: tuple[int, int] | None = None  # where in ``question`` that document's name goes ("văn bản")

    def naming(self, name: str) -> str:
        """The question with the document's own name in its slot."""
        if self.slot is None:
            return self.question
        return self.question[: self.slot[0]] + name + self.question[self.slot[1] :]


def bounded(history: Sequence[Turn]) -> list[Turn]:
    """The last turns, each cut to the limits (history is the client's, so never trusted for size)."""
    out = []
    for t in list(history)[-MAX_TURNS:]:
        question = nfc(t.question or "")[:MAX_QUESTION_CHARS].strip()
        if question:
            out.append(Turn(question, nfc(t.answer or "")[:MAX_ANSWER_CHARS], (t.doc_id or "")[:200]))
    return out


def _span(pattern: re.Pattern[str], text: str) -> tuple[int, int] | None:
    m = pattern.search(fold_aligned(text))
    return m.span() if m else None


def _demonstrative(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """A "… đó/này" phrase of the question; unmarked "do" only where it cannot mean "by"."""
    folded = fold_aligned(text)
    marked = has_diacritics(text)
    for m in pattern.finditer(folded):
        words = text[m.start() : m.end()].lower().split()
        if marked and not _MARKED_THAT.search(" ".join(words)):
            continue  # among marked words "đô", "do" or "nay" are not "đó", "này" ("địa bàn đô thị")
        if marked and words[0] not in _MARKED_HEADS:
            continue  # "bàn" is not "ban" (a board)
        if words[-1] == "do" and not re.match(_THAT_END, folded[m.end() :]):
            continue
        return m
    return None


def document_phrase(question: str) -> str:
    """How a question names its document ("kế hoạch của UBND tỉnh", "Kế hoạch 58/KH-UBND"), or ""."""
    folded = fold_aligned(question)
    for m in _DOC_PHRASE.finditer(folded):
        if re.match(rf"\s+{_THAT}\b", folded[m.end() :]) or _DOC_THAT.match(folded, m.start()):
            continue
        phrase = question[m.start() : m.end()].strip(" ,.;?")
        if phrase.lower() not in ("văn bản", "van ban"):
            return phrase
    return ""


def unit_phrase(text: str, skip: str = "") -> str:
    """The first unit a text names ("Sở Tài chính"), past any "chủ trì:"-style label; not inside ``skip``."""
    text = nfc(text)
    label = re.search(r"(?:thực hiện|chủ trì|phối hợp|Chủ trì)\s*:\s*", text)
    for m in [*(_UNIT.finditer(text, label.end()) if label else ()), *_UNIT.finditer(text)]:
        unit = m.group(1).strip(" ,.;?")
        if not skip or unit not in skip:
            return unit
    return ""


def _scope_after(scope: Scope, question: str, turn: Turn) -> Scope:
    folded = fold_aligned(question)
    task = _TASK.search(folded)
    year = _YEAR.search(folded)
    document = document_phrase(question)
    new_doc = bool(document) and document != scope.document
    return Scope(
        question=question,
        document=document or scope.document,
        # A turn that names another document drops the old document's id unless it cited one.
        doc_id=turn.doc_id or ("" if new_doc else scope.doc_id),
        task=int(task.group(2)) if task else (None if new_doc else scope.task),
        # The unit asked about, else the unit the answer named (not the document's issuer).
        unit=unit_phrase(question, skip=document) or unit_phrase(turn.answer[:400]) or scope.unit,
        year=year.group(1) if year else scope.year,
    )


def scope_of(history: Sequence[Turn]) -> Scope:
    """The scope the conversation has set: each turn read as it was meant, in order."""
    scope = Scope()
    for turn in bounded(history):
        question = resolve(turn.question, scope).question
        scope = _scope_after(scope, question, turn)
    return scope


def _sub(text: str, span: tuple[int, int], new: str) -> str:
    return text[: span[0]] + new + text[span[1] :]


def _with_document(question: str, scope: Scope, after: int) -> str:
    """Name the scope's document right after position ``after`` (when the question names none)."""
    if not scope.document or document_phrase(question):
        return question
    return question[:after] + f" trong {scope.document}" + question[after:]


def resolve(question: str, scope_or_history: Scope | Sequence[Turn]) -> Resolution:
    """The question to ask, read within the conversation's scope."""
    scope = scope_or_history if isinstance(scope_or_history, Scope) else scope_of(scope_or_history)
    question = nfc(question).strip()
    folded = fold_aligned(question)
    ellipsis = _ELLIPSIS.match(folded)
    if ellipsis and (ellipsis.group("tail") or _is_slot(question[ellipsis.start("x") : ellipsis.end("x")])):
        return _vary(question[ellipsis.start("x") : ellipsis.end("x")].strip(), scope)
    out, follow_up, doc_id = question, False, ""
    task = _demonstrative(_TASK_THAT, out)
    if task and scope.task is None and _is_this(out, task):
        task = None  # "nhiệm vụ này" with nothing before it: the text's own words, left alone
    if task:
        if scope.task is None:
            return Resolution(question, follow_up=True, clarify="task")
        out = _sub(out, task.span(), f"nhiệm vụ {scope.task}")
        out = _with_document(out, scope, task.start() + len(f"nhiệm vụ {scope.task}"))
        follow_up, doc_id = True, scope.doc_id
    unit = _demonstrative(_UNIT_THAT, out)
    if unit and not scope.unit and _is_this(out, unit):
        unit = None
    if unit:
        if not scope.unit:
            return Resolution(question, follow_up=True, clarify="unit")
        out = _sub(out, unit.span(), scope.unit)
        out = _with_document(out, scope, len(out.rstrip(" ?")))  # "… phối hợp với ai trong <văn bản>?"
        follow_up, doc_id = True, scope.doc_id
    doc = _demonstrative(_DOC_THAT, out)
    if doc and _is_this(out, doc) and not _same_kind(out[doc.start(1) : doc.end(1)], scope):
        # "Luật này áp dụng …" is how a document speaks of itself: in a fresh chat (or after
        # another kind of document) it is the question's own document, not the last one.
        doc = None
    if doc:
        if not (scope.document or scope.doc_id):
            return Resolution(question, follow_up=True, clarify="document")
        named = scope.document or out[doc.start(1) : doc.end(1)]
        out = _sub(out, doc.span(), named)
        if scope.document:
            return Resolution(out, follow_up=True, doc_id=scope.doc_id)
        slot = (doc.start(), doc.start() + len(named))
        return Resolution(out, follow_up=True, doc_id=scope.doc_id, needs_document=True, slot=slot)
    return Resolution(out, follow_up=follow_up, doc_id=doc_id)


def _is_this(text: str, m: re.Match[str]) -> bool:
    """The demonstrative is "này" (this), not "đó/ấy/nói trên" (that one, said before)."""
    return fold_aligned(text[m.start() : m.end()]).endswith("nay")


def _same_kind(kind: str, scope: Scope) -> bool:
    """ "văn bản này" is any document; "kế hoạch này" only a plan (when the scope's kind is known)."""
    if not (scope.document or scope.doc_id):
        return False
    folded = fold_aligned(kind).strip()
    return folded == "van ban" or not scope.document or fold_aligned(scope.document).startswith(folded)


def _is_slot(x: str) -> bool:
    """ "nhiệm vụ 3", "năm 2026", "Sở Tài chính", "Kế hoạch 58/KH-UBND": a thing the last question had."""
    folded = fold_aligned(x).strip()
    if len(folded.split()) > 8:
        return False
    return bool(
        _TASK.fullmatch(folded)
        or _YEAR.fullmatch(folded)
        or unit_phrase(x) == x.strip(" ?")
        or document_phrase(x)
    )


def _vary(x: str, scope: Scope) -> Resolution:
    """ "Còn X thì sao?": the last question with X in the place of what X is (task, year, unit, document)."""
    if not scope.question:
        return Resolution(f"Còn {x} thì sao?", follow_up=True, clarify="document")
    base = scope.question.rstrip(" ?")
    folded_x = fold_aligned(x)
    task, year = _TASK.search(folded_x), _YEAR.search(folded_x)
    if task:
        span = _span(_TASK, base)
        new = f"nhiệm vụ {task.group(2)}"
        out = _sub(base, span, new) if span else f"{base} {new}"
        return _varied(out, scope, keep_document=True)
    if year:
        span = _span(_YEAR, base)
        new = f"năm {year.group(1)}"
        return _varied(_sub(base, span, new) if span else f"{base} {new}", scope, keep_document=True)
    if document_phrase(x):
        old = document_phrase(base)
        out = base.replace(old, x) if old else f"{base} trong {x}"
        return Resolution(out + "?", follow_up=True)  # another document: the old one's id no longer holds
    if unit_phrase(x) and scope.unit and scope.unit in base:
        return _varied(base.replace(scope.unit, unit_phrase(x)), scope, keep_document=True)
    return _varied(f"{base} {x}", scope, keep_document=True)


def _varied(question: str, scope: Scope, keep_document: bool) -> Resolution:
    out = _with_document(
        question, replace(scope, document=scope.document if keep_document else ""), len(question)
    )
    return Resolution(out + "?", follow_up=True, doc_id=scope.doc_id if keep_document else "")


_ASK_BACK = {
    "document": "Bạn đang hỏi về văn bản nào? Xin nêu tên hoặc số hiệu văn bản",
    "task": "Bạn đang hỏi về nhiệm vụ nào, của văn bản nào? Xin nêu số nhiệm vụ và tên hoặc số hiệu văn bản",
    "unit": "Bạn đang hỏi về đơn vị nào? Xin nêu tên đơn vị và văn bản",
}


def clarifying_question(kind: str, documents: Sequence[str], shown: int = 6) -> str:
    """What to ask back, with some of the documents the asker may read as examples."""
    text = _ASK_BACK.get(kind, _ASK_BACK["document"])
    if not documents:
        return text + "."
    listed = "\n".join(f"- {d}" for d in list(documents)[:shown])
    more = f"\n(và {len(documents) - shown} văn bản khác)" if len(documents) > shown else ""
    return f"{text}, ví dụ:\n{listed}{more}"
