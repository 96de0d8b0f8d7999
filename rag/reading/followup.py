"""Follow-up questions: the scope a conversation has set, and a follow-up read within it.

Pure functions over client-held history (``[Turn(question, answer, doc_id)]``). Each turn is read
in order against the scope before it, so "Còn nhiệm vụ 3 thì sao?" after "Còn nhiệm vụ 2 thì
sao?" still means the first question's document. The scope is structure (``Scope``: the last
question as understood, its document, task, unit, year and slot); what the follow-up is
understood to ask is written back as a Vietnamese sentence (``Resolution.question``), with the
scope's task, year, unit or document in the place the grammar gives them: substituted where the
last question said its own, else after a question that opens with what it asks ("Đơn vị nào chủ
trì … nhiệm vụ 3?") or before the predicate of one that ends with it ("Mục tiêu của nhiệm vụ 3
trong kế hoạch … là gì?"). A follow-up that needs a scope the history does not give is not
guessed: ``Resolution.clarify`` asks which document (or task) is meant. The caller checks
``doc_id`` against the asker's access (a turn's document is only a hint).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rag.questions import Scope, Turn
from rag.reading.matcher import Matcher
from rag.reading.names import (
    DOC_THAT,
    THAT,
    demonstrative,
    document_phrase,
    document_span,
    unit_phrase,
)
from rag.reading.terms import QUESTION_PHRASES
from rag.reading.wordings import ASPECTS, MACROS, SLOTS
from rag.text import fold, fold_aligned, nfc

MAX_TURNS = 6  # the last turns read; older ones cannot change the scope
MAX_QUESTION_CHARS = 2000
MAX_ANSWER_CHARS = 4000

_TASK_THAT = re.compile(rf"\b(?:nhiem vu|muc)\s+{THAT}\b")
_UNIT_THAT = re.compile(rf"\b(?:don vi|co quan|(?<!co )so|phong|(?<!van )ban)\s+{THAT}\b")
# "Còn nhiệm vụ 3 thì sao?", "Thế còn Sở Tài chính?", "Vậy còn năm 2026 thì thế nào?", "Với
# nhiệm vụ 3 thì sao?", "Nhiệm vụ 3 thì sao?"
# Linear: the closing part ("thì sao?") is atomic, its one parse tried once per end of x.
_ELLIPSIS = re.compile(
    r"^\s*+(?:(?:vay|the)\s+)?(?:con|voi|doi voi)\s+(?P<x>.+?)"
    r"(?>\s*(?P<tail>(?:thi\s+)?(?:sao|the nao|ra sao|nhu the nao))?\s*[?.!]*\s*)$"
)
# Linear: x ends on a non-space and each run of spaces is taken whole (possessive), once.
_BARE_TAIL = re.compile(
    r"^\s*+(?P<x>.*?\S)\s++(?P<tail>thi\s++(?:sao|the nao|ra sao|nhu the nao))\s*+[?.!]*+\s*+$"
)
# "Còn cấp mới chứng thư thì gửi đâu?", "Còn các hành vi khác thì thời hiệu là bao nhiêu?": a
# question of its own about another thing, asked within the last question's frame.
# Linear: x is lazy up to the first "thì", the rest taken as it is.
_OTHER_THING = re.compile(r"^\s*+(?:(?:vay|the)\s+)?con\s+(?P<x>\S.*?)\s+thi\s+(?P<rest>\S.*)$")
# "Theo quy chế … của Ninh Bình, …": the frame a question sets for itself, up to its first comma.
_FRAME = re.compile(r"^\s*(?:theo|trong|tai|can cu)\s+[^,?]{3,120},\s*")
FRAME_WORDS = 12
_TASK = re.compile(r"\b(nhiem vu|muc)\s+(?:so\s+|thu\s+)?(\d{1,2})\b")
_YEAR = re.compile(r"\bnam\s+((?:19|20)\d{2})\b")
_COPULA = re.compile(r"\sla\s")
_SLOTS = Matcher(SLOTS, MACROS)
_ASPECTS = Matcher(ASPECTS, MACROS)
# What closes a question asking for an aspect ("Còn kinh phí thì sao?" -> "Kinh phí … là bao nhiêu?").
ASPECT_ENDINGS = {
    "figure": "là bao nhiêu",
    "deadline": "là khi nào",
    "date": "là ngày nào",
    "lead_unit": "là đơn vị nào",
    "coordinating_unit": "gồm những đơn vị nào",
    "signer": "là ai",
    "person": "là ai",
}


@dataclass(frozen=True)
class Resolution:
    question: str  # what to ask, as a Vietnamese sentence
    follow_up: bool = False
    clarify: str = ""  # non-empty: what to ask the user back ("document" or "task")
    doc_id: str = ""  # the follow-up refers to this document (restrict to it when readable)
    needs_document: bool = False  # ... and has no other way of naming it
    slot: tuple[int, int] | None = None  # where in ``question`` that document's name goes ("văn bản")
    scope: Scope = Scope()

    def naming(self, name: str) -> str:
        """The question with the document's own name in its slot."""
        if self.slot is None or not name:
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


# --- what a question names ------------------------------------------------------------------
def _span(pattern: re.Pattern[str], text: str) -> tuple[int, int] | None:
    m = pattern.search(fold_aligned(text))
    return m.span() if m else None


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
        slot=_SLOTS.first(fold(question)) or "content",
    )


def scope_of(history: Sequence[Turn]) -> Scope:
    """The scope the conversation has set: each turn read as it was meant, in order."""
    scope = Scope()
    for turn in bounded(history):
        question = resolve(turn.question, scope).question
        scope = _scope_after(scope, question, turn)
    return scope


# --- writing the scope into a question ----------------------------------------------------------
def _sub(text: str, span: tuple[int, int], new: str) -> str:
    if span[0] == 0 or text[span[0] : span[0] + 1].isupper():
        new = new[:1].upper() + new[1:]
    return text[: span[0]] + new + text[span[1] :]


def _copula(question: str) -> int | None:
    """Where the predicate of "<subject> là gì / là bao nhiêu / là ai / là khi nào …" begins (the
    space before "là"), when the question ends with one."""
    folded = fold_aligned(question)
    for m in _COPULA.finditer(folded):
        rest = folded[m.end() :]
        if len(rest.split()) <= 4 and QUESTION_PHRASES.search(folded[m.start() + 1 :]):
            return m.start()
    return None


def _insert(question: str, phrase: str, *, linked: str = "") -> str:
    """``phrase`` where the grammar puts it: before the predicate of "<subject> là gì?" (joined by
    ``linked``, "của", when the subject has no "của" yet), else at the end (adjuncts of time, place
    and document close a Vietnamese question: "… phối hợp với ai trong Kế hoạch 58?")."""
    base = question.rstrip(" ?")
    at = _copula(base)
    if at is None:
        return f"{base} {phrase}?"
    head = base[:at]
    joined = f"{linked} {phrase}" if linked and " cua " not in f" {fold(head)} " else phrase
    return f"{head} {joined}{base[at:]}?"


def _inside(document: str) -> str:
    """A document's name inside a sentence: "kế hoạch của UBND tỉnh", but "Kế hoạch 58/KH-UBND" and
    "Luật Đầu tư" as they are written (a number or a capitalised title names one document)."""
    words = document.split()
    if len(words) > 1 and not re.search(r"\d", document) and words[1][:1].islower():
        return document[:1].lower() + document[1:]
    return document


def _with_document(question: str, scope: Scope, after: int | None = None) -> str:
    """Name the scope's document (when the question names none): right after position ``after``,
    else where the grammar puts it ("Kinh phí của kế hoạch … là bao nhiêu?")."""
    if not scope.document or document_phrase(question):
        return question
    document = _inside(scope.document)
    if after is not None:
        return question[:after] + f" trong {document}" + question[after:]
    base = question.rstrip(" ?")
    at = _copula(base)
    if at is not None and " cua " not in f" {fold(base[:at])} ":
        return f"{base[:at]} của {document}{base[at:]}?"
    return _insert(question, f"trong {document}")


# Verbs whose object is a task ("Đơn vị nào chủ trì nhiệm vụ 3?").
_TASK_VERBS = re.compile(r"\b(?:chu tri|thuc hien|phoi hop|phu trach|dam nhiem|trien khai|hoan thanh)$")


def _with_task(question: str, task: int) -> str:
    """Ask ``question`` of task ``task``: in place of the task it names, else before its document
    ("Mục tiêu của nhiệm vụ 3 trong kế hoạch …"), else as the object of a verb that takes one,
    else where the grammar puts it ("Kinh phí của nhiệm vụ 3 là bao nhiêu?")."""
    new = f"nhiệm vụ {task}"
    span = _span(_TASK, question)
    if span:
        return _sub(question, span, new)
    doc = document_span(question)
    if doc and fold(question[: doc[0]]).rstrip().endswith(("cua", "trong", "theo")):
        return question[: doc[0]] + f"{new} trong " + question[doc[0] :]
    base = question.rstrip(" ?")
    if _copula(base) is None and _TASK_VERBS.search(fold(base)):
        return f"{base} {new}?"
    if _copula(base) is None:
        return f"{base}, đối với {new}?"
    return _insert(question, new, linked="của")


# --- reading a follow-up ------------------------------------------------------------------------
def resolve(question: str, scope_or_history: Scope | Sequence[Turn]) -> Resolution:
    """The question to ask, read within the conversation's scope."""
    scope = scope_or_history if isinstance(scope_or_history, Scope) else scope_of(scope_or_history)
    question = nfc(question).strip()
    folded = fold_aligned(question)
    ellipsis = _ELLIPSIS.match(folded) or _BARE_TAIL.match(folded)
    if ellipsis:
        x = question[ellipsis.start("x") : ellipsis.end("x")].strip()
        said_tail = bool(ellipsis.group("tail")) and fold_aligned(question).lstrip().startswith(
            ("con ", "vay con", "the con")
        )
        if said_tail or _is_slot(x):
            return replace(_vary(x, scope), scope=scope)
    other = _OTHER_THING.match(folded)
    if other and scope.question:
        return replace(_in_frame(question[other.start("x") :].strip(), scope), scope=scope)
    return replace(_refer(question, scope), scope=scope)


def _in_frame(question: str, scope: Scope) -> Resolution:
    """ "cấp mới chứng thư thì gửi đâu?" asked within the last question's frame: after its "Theo
    <document>," opening, else with its document named where the grammar puts it."""
    last = scope.question
    frame_end = 0
    if _FRAME.match(fold_aligned(last)):
        # A document's name may hold commas ("Theo Luật Cán bộ, công chức 2025, …"): the frame
        # ends at the last comma of its first FRAME_WORDS words.
        head = " ".join(last.split()[:FRAME_WORDS])
        frame_end = head.rfind(",") + 1
    lowered = question[:1].lower() + question[1:]
    if frame_end:
        return Resolution(last[:frame_end].rstrip() + " " + lowered, follow_up=True, doc_id=scope.doc_id)
    return _varied(question[:1].upper() + question[1:], scope)


def _refer(question: str, scope: Scope) -> Resolution:
    """ "nhiệm vụ đó", "văn bản này", "đơn vị đó": the scope's task, document or unit."""
    out, follow_up, doc_id = question, False, ""
    task = demonstrative(_TASK_THAT, out)
    if task and scope.task is None and _is_this(out, task):
        task = None  # "nhiệm vụ này" with nothing before it: the text's own words, left alone
    if task:
        if scope.task is None:
            return Resolution(question, follow_up=True, clarify="task")
        out = _sub(out, task.span(), f"nhiệm vụ {scope.task}")
        out = _with_document(out, scope, task.start() + len(f"nhiệm vụ {scope.task}"))
        follow_up, doc_id = True, scope.doc_id
    unit = demonstrative(_UNIT_THAT, out)
    if unit and not scope.unit and _is_this(out, unit):
        unit = None
    if unit:
        if not scope.unit:
            return Resolution(question, follow_up=True, clarify="unit")
        out = _sub(out, unit.span(), scope.unit)
        out = _with_document(out, scope)  # "… phối hợp với ai trong <văn bản>?"
        follow_up, doc_id = True, scope.doc_id
    doc = demonstrative(DOC_THAT, out)
    if doc and _said_before(out, doc):
        doc = None  # "… xây dựng kế hoạch …, và kế hoạch đó …": the question's own document
    if doc and _is_this(out, doc) and not _same_kind(out[doc.start(1) : doc.end(1)], scope):
        # "Luật này áp dụng …" is how a document speaks of itself: in a fresh chat (or after
        # another kind of document) it is the question's own document, not the last one.
        doc = None
    if doc:
        if not (scope.document or scope.doc_id):
            return Resolution(question, follow_up=True, clarify="document")
        named = _inside(scope.document) or out[doc.start(1) : doc.end(1)]
        out = _sub(out, doc.span(), named)
        if scope.document:
            return Resolution(out, follow_up=True, doc_id=scope.doc_id)
        slot = (doc.start(), doc.start() + len(named))
        return Resolution(out, follow_up=True, doc_id=scope.doc_id, needs_document=True, slot=slot)
    return Resolution(out, follow_up=follow_up, doc_id=doc_id)


def _said_before(text: str, m: re.Match[str]) -> bool:
    """The demonstrative's noun ("kế hoạch đó") is named earlier in the same question: it points
    back inside the question, not to the conversation."""
    head = fold_aligned(text[m.start(1) : m.end(1)]).strip()
    return bool(head) and re.search(rf"\b{re.escape(head)}\b", fold_aligned(text[: m.start()])) is not None


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
    """ "nhiệm vụ 3", "năm 2026", "Sở Tài chính", "Kế hoạch 58/KH-UBND", "kinh phí": a thing the
    last question had, or an aspect of what it was about."""
    folded = fold_aligned(x).strip(" ?")
    if len(folded.split()) > 8:
        return False
    return bool(
        _TASK.fullmatch(folded)
        or _YEAR.fullmatch(folded)
        or unit_phrase(x) == x.strip(" ?")
        or document_phrase(x)
        or _ASPECTS.first(folded)
    )


def _vary(x: str, scope: Scope) -> Resolution:
    """ "Còn X thì sao?": the last question with X in the place of what X is (task, year, unit,
    document), or the same subject asked for the aspect X names ("Còn kinh phí thì sao?")."""
    if not scope.question:
        return Resolution(f"Còn {x} thì sao?", follow_up=True, clarify="document")
    base = scope.question.rstrip(" ?") + "?"
    folded_x = fold_aligned(x)
    task, year = _TASK.search(folded_x), _YEAR.search(folded_x)
    if task:
        return _varied(_with_task(base, int(task.group(2))), scope)
    if year:
        span = _span(_YEAR, base)
        new = f"năm {year.group(1)}"
        return _varied(_sub(base, span, new) if span else _insert(base, new), scope)
    if document_phrase(x):
        old = document_span(base)
        out = _sub(base, old, x) if old else _insert(base, f"trong {x}")
        return Resolution(out, follow_up=True)  # another document: the old one's id no longer holds
    if unit_phrase(x) and scope.unit and scope.unit in base:
        return _varied(base.replace(scope.unit, unit_phrase(x)), scope)
    if _ASPECTS.first(fold_aligned(x).strip(" ?")):
        return _varied(_aspect(x, scope), scope)
    return _varied(f"{base.rstrip(' ?')}, đối với {x.strip(' ?')}?", scope)


def _aspect(x: str, scope: Scope) -> str:
    """ "kinh phí" of what the last question was about: its task (or unit) in its document."""
    folded = fold_aligned(x).strip(" ?")
    slot = _ASPECTS.first(folded) or "content"
    subject = []
    if scope.task is not None:
        subject.append(f"của nhiệm vụ {scope.task}")
    elif scope.unit:
        subject.append(f"của {scope.unit}")
    if scope.document:
        subject.append(f"{'trong' if subject else 'của'} {_inside(scope.document)}")
    ending = ASPECT_ENDINGS.get(slot, "là gì")
    words = x.strip(" ?")
    return " ".join([words[:1].upper() + words[1:], *subject, ending]) + "?"


def _varied(question: str, scope: Scope) -> Resolution:
    return Resolution(_with_document(question, scope), follow_up=True, doc_id=scope.doc_id)


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
