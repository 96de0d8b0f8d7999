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
from rag.reading.terms import QUESTION_PHRASES
from rag.reading.wordings import ASPECTS, MACROS, SLOTS
from rag.text import fold, fold_aligned, has_diacritics, nfc

MAX_TURNS = 6  # the last turns read; older ones cannot change the scope
MAX_QUESTION_CHARS = 2000
MAX_ANSWER_CHARS = 4000

_TYPES = (
    r"van ban|ke hoach|cong van|bao cao|quyet dinh|nghi quyet|nghi dinh|thong tu|luat|chi thi"
    r"|huong dan|to trinh|thong bao|chuong trinh|de an|cong dien|quy che|quy dinh|ket luan"
)
# "đó/này/ấy/nói trên": the one just talked about. Unmarked "do" is also "by" ("kế hoạch do
# UBND ban hành"), so without marks it counts only where "by" cannot follow.
_THAT = r"(?:do|nay|ay|noi tren|tren|vua (?:roi|neu|hoi))"
_THAT_END = re.compile(
    r"\s*(?:$|[?.,;:!]|thi\b|la\b|co\b|duoc\b|quy\b|ve\b|gom\b|giao\b|ky\b|ban hanh\b|het\b)"
)
_DOC_THAT = re.compile(rf"\b({_TYPES})\s+{_THAT}\b")
# With marks, the demonstrative and the head are written as such.
_MARKED_THAT = re.compile(r"(?:^|\s)(?:đó|này|ấy|nói trên|trên|vừa (?:rồi|nêu|hỏi))$")
_MARKED_HEADS = frozenset(
    "văn kế công báo quyết nghị thông luật chỉ hướng tờ chương đề nhiệm mục đơn cơ sở phòng ban quy kết".split()
)
_TASK_THAT = re.compile(rf"\b(?:nhiem vu|muc)\s+{_THAT}\b")
_UNIT_THAT = re.compile(rf"\b(?:don vi|co quan|(?<!co )so|phong|(?<!van )ban)\s+{_THAT}\b")
# "Còn nhiệm vụ 3 thì sao?", "Thế còn Sở Tài chính?", "Vậy còn năm 2026 thì thế nào?", "Với
# nhiệm vụ 3 thì sao?", "Nhiệm vụ 3 thì sao?"
_ELLIPSIS = re.compile(
    r"^\s*(?:(?:vay|the)\s+)?(?:con|voi|doi voi)\s+(?P<x>.+?)\s*"
    r"(?P<tail>(?:thi\s+)?(?:sao|the nao|ra sao|nhu the nao))?\s*[?.!]*\s*$"
)
_BARE_TAIL = re.compile(r"^\s*(?P<x>.+?)\s+(?P<tail>thi\s+(?:sao|the nao|ra sao|nhu the nao))\s*[?.!]*\s*$")
_TASK = re.compile(r"\b(nhiem vu|muc)\s+(?:so\s+|thu\s+)?(\d{1,2})\b")
_YEAR = re.compile(r"\bnam\s+((?:19|20)\d{2})\b")
# How a question names its document: a type, "cấp tỉnh", its number, a few title words, "của/do"
# and its issuer. Title and issuer words stop at the words that go on with the question.
_STOP = (
    r"co|la|duoc|thi|ve|nao|gi|quy|giao|ky|ban|khi|bao|ai|thuc|chu|phoi|nam|ngay|do|nay|ay|tren|trong"
    r"|tai|theo|cho|voi|den|gom|neu|nhung|cac|may|don|vi|co quan|nhiem|muc|hien|da|se|dang|phai|can"
    r"|va|hay|hoac|the|nhu|sau|truoc|tu|tieu|kinh|thoi|han|cua|dat|con|lam|bi|khong"
)
_DOC_PHRASE = re.compile(
    rf"\b(?:{_TYPES})\b(?:\s+cap\s+(?:tinh|xa|huyen))?(?:\s+so)?(?:\s+[\w/&.-]*\d[\w/&.-]*)?"
    rf"(?:\s+(?!(?:{_STOP})\b)[a-z]+){{0,6}}"
)
_ISSUER = re.compile(r"\s+(?:cua|do)\s+")
_UNMARKED_ISSUER_WORD = re.compile(rf"(?!(?:{_STOP})\b)[\w&]+")
_LEVEL_WORDS = frozenset({"tỉnh", "thành", "phố", "huyện", "xã", "phường", "quận", "thị", "trấn", "và"})
# Heads of body names written in lowercase after their first word, folded.
_LOWERCASE_HEAD = re.compile(
    r"(?:uy ban nhan dan|hoi dong nhan dan|uy ban mat tran to quoc(?: viet nam)?|ban chap hanh|ban thuong vu"
    r"|ban chi dao|thu tuong chinh phu|chinh phu|quoc hoi|bo chinh tri)\b"
)
# Lowercase words that go on with the question after a name ("Sở Tài chính có …", "… trách nhiệm gì").
_MARKED_STOP = frozenset(
    """có là được thực chủ phối trong của theo tại nào gì thì làm giao cần phải sẽ đã ký trước do đó
    này trách nhiệm về với cho đến như thế năm ngày những các gửi đề tham tổng chịu đảm phụ quy""".split()
)
_UNIT_HEAD = r"(?:Ban|UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Trung tâm|Văn phòng|Công an|Bộ|Đài|Báo|Liên minh|Chi cục|Cục|Sở)"
_UNIT = re.compile(
    rf"(?<!\w)({_UNIT_HEAD}(?:\s+(?!(?:có|là|được|thực|chủ|phối|trong|của|theo|tại|nào|gì|thì|làm|giao|cần|phải|sẽ|đã|và các|ký|ban hành|trước|do|đó|này)\b)[\w&,-]+){{1,8}})"
)
_COPULA = re.compile(r"\sla\s")
_UNIT_LABEL = re.compile(r"(?:thực hiện|chủ trì|phối hợp|Chủ trì)\s*:\s*")
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
        if words[-1] == "do" and not _THAT_END.match(folded[m.end() :]):
            continue
        return m
    return None


def name_end(text: str, start: int) -> int:
    """Where the name of a body that begins at ``start`` ends ("UBND tỉnh Quảng Ngãi", "Sở Văn hóa,
    Thể thao và Du lịch", "Ủy ban nhân dân tỉnh"). With marks, a name is its capitalised words,
    each with at most one lowercase syllable after it ("Khoa học", "Du lịch"), the words of an
    administrative level ("tỉnh"), "và" before a capitalised word and the heads that are written
    in lowercase ("Ủy ban nhân dân"); without marks, the words before one that goes on with the
    question."""
    folded = fold_aligned(text)
    marked = has_diacritics(text)
    words = list(re.finditer(r"[\w&.-]+", text[start:]))
    end, lowercase, i = start, 0, 0
    while i < len(words):
        m = words[i]
        at, stop = start + m.start(), start + m.end()
        gap = text[end:at]
        if gap.strip() and not (gap.strip() == "," and marked and m.group(0)[:1].isupper()):
            break  # punctuation ends the name (a comma only between capitalised words)
        head = _LOWERCASE_HEAD.match(folded, at)
        if head:
            end, lowercase = head.end(), 0
            i = next((j for j in range(i, len(words)) if start + words[j].start() >= head.end()), len(words))
            continue
        word = m.group(0)
        lower = word.lower()
        if not marked:
            if not _UNMARKED_ISSUER_WORD.fullmatch(folded[at:stop]):
                break
        elif word[:1].isupper() or lower in _LEVEL_WORDS and (lower != "và" or _next_capitalised(text, stop)):
            lowercase = 0
        elif lower in _MARKED_STOP or lowercase >= 1:
            break
        else:
            lowercase += 1
        end = stop
        i += 1
        if end - start > 90:
            break
    return end


def _next_capitalised(text: str, at: int) -> bool:
    m = re.match(r"\s+(\w)", text[at:])
    return bool(m and m.group(1).isupper())


def document_span(question: str) -> tuple[int, int] | None:
    """Where a question names its document ("kế hoạch của UBND tỉnh", "Kế hoạch 58/KH-UBND")."""
    folded = fold_aligned(question)
    for m in _DOC_PHRASE.finditer(folded):
        if re.match(rf"\s+{_THAT}\b", folded[m.end() :]) and _demonstrative(_DOC_THAT, question[m.start() :]):
            continue
        if _DOC_THAT.match(folded, m.start()) and _demonstrative(_DOC_THAT, question[m.start() :]):
            continue
        end = m.end()
        issuer = _ISSUER.match(folded, end)
        if issuer:
            stop = name_end(question, issuer.end())
            if stop > issuer.end():
                end = stop
        phrase = question[m.start() : end].strip(" ,.;?")
        if fold(phrase) not in ("van ban",):
            return m.start(), m.start() + len(phrase)
    return None


def document_phrase(question: str) -> str:
    """How a question names its document ("kế hoạch của UBND tỉnh", "Kế hoạch 58/KH-UBND"), or ""."""
    span = document_span(question)
    return question[span[0] : span[1]] if span else ""


def unit_phrase(text: str, skip: str = "") -> str:
    """The first unit a text names ("Sở Tài chính"), past any "chủ trì:"-style label; not inside ``skip``."""
    text = nfc(text)
    label = _UNIT_LABEL.search(text)
    for m in [*(_UNIT.finditer(text, label.end()) if label else ()), *_UNIT.finditer(text)]:
        unit = text[m.start(1) : max(m.start(1) + len(m.group(1).split()[0]), _unit_end(text, m))]
        unit = unit.strip(" ,.;?")
        if len(unit.split()) > 1 and (not skip or unit not in skip):
            return unit
    return ""


def _unit_end(text: str, m: re.Match[str]) -> int:
    """A unit's name runs from its head as far as a body's name does, and no further than the
    pattern reached."""
    first = text[m.start(1) :].split()[0]
    return min(m.end(1), name_end(text, m.start(1) + len(first)) if has_diacritics(text) else m.end(1))


# --- the scope --------------------------------------------------------------------------------
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
    return replace(_refer(question, scope), scope=scope)


def _refer(question: str, scope: Scope) -> Resolution:
    """ "nhiệm vụ đó", "văn bản này", "đơn vị đó": the scope's task, document or unit."""
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
        out = _with_document(out, scope)  # "… phối hợp với ai trong <văn bản>?"
        follow_up, doc_id = True, scope.doc_id
    doc = _demonstrative(_DOC_THAT, out)
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
