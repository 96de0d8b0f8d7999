"""The document a question names, resolved before any clause is retrieved.

A document named by its number is the readable document that carries that number, else the
documents that cite it (a question about a decree the plans implement is answered from the plans
that quote it). A number no readable document carries or cites is not answered from another
document: the answer says that the document is not among those searched and names the closest
ones. A question that names the level of its document ("kế hoạch của tỉnh", "cấp xã") is not
answered from a document of another level.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from index.query import number_key, number_matches
from rag.matching import STOP_TERMS, TextTerms
from rag.questions import Question
from rag.reading.wordings import RELATION_WORDS
from rag.records import Document, DocumentMeta
from rag.text import fold
from rag.vocabulary import DOC_TYPES

# How many of the closest documents a "not among the documents" answer names.
CLOSEST = 3
_YEARS = re.compile(r"(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?")
# The level of the body that issued a document, from its issuer (and the body above it), folded:
# a People's Committee or Council (or Party committee, police) of a commune, district or province;
# a provincial department; a central body.
_LOCAL_BODY = re.compile(
    r"\b(?:uy ban nhan dan|ubnd|hoi dong nhan dan|hdnd|dang uy|cong an|chu tich uy ban nhan dan)\s+"
    r"(xa|phuong|thi tran|dac khu|huyen|quan|thi xa|tinh|thanh pho)\b"
)
_PROVINCIAL_BODY = re.compile(r"^(?:so|tinh uy|thanh uy)\b|\b(?:tinh|thanh pho)\s+\w")
_CENTRAL_BODY = re.compile(
    r"^(?:bo|chinh phu|thu tuong|quoc hoi|van phong chinh phu|kiem toan nha nuoc|cuc|tong cuc|ban chap hanh"
    r" trung uong)\b"
)
LEVEL_OF = {
    "xa": "xa",
    "phuong": "xa",
    "thi tran": "xa",
    "dac khu": "xa",
    "huyen": "huyen",
    "quan": "huyen",
    "thi xa": "huyen",
    "tinh": "tinh",
    "thanh pho": "tinh",
}


@dataclass
class Resolved:
    """Where a question is answered: inside ``documents`` (all readable ones when empty), or not at
    all when it names a document none of them is (``missing``: "Kế hoạch 617") or asks of a level
    no readable document is of (``none``)."""

    documents: set[str] = field(default_factory=set)
    missing: str = ""
    closest: list[str] = field(default_factory=list)  # ids of the documents closest to the missing one
    none: bool = False
    # Documents taken for a named number by its code alone: their own digits OCR read with doubt
    # ("93/QĐ-ĐHTĐ" for "539/QĐ-ĐHTĐ") or left blank ("…/KH-UBND" for "617/KH-UBND"): the answer
    # says so (doubtful_note), never silently.
    doubtful: set[str] = field(default_factory=set)
    named: dict[str, str] = field(default_factory=dict)  # doubtful document -> the reference as written


def document_level(meta: DocumentMeta) -> str:
    """ "xa", "huyen", "tinh" or "trung uong" from the issuer, "" when it does not say."""
    for body in (meta.issuer, meta.parent_issuer):
        folded = fold(body)
        if not folded:
            continue
        local = _LOCAL_BODY.search(folded)
        if local:
            return LEVEL_OF[local.group(1)]
        if _CENTRAL_BODY.search(folded):
            return "trung uong"
        if _PROVINCIAL_BODY.search(folded):
            return "tinh"
    return ""


def _is_document_number(number: str) -> bool:
    """Not a year or a period ("Kế hoạch 2026-2030" names years, not a number)."""
    return not _YEARS.fullmatch(number)


def _types_agree(ref_type: str, meta: DocumentMeta) -> bool:
    return not ref_type or not meta.doc_type or fold(meta.doc_type) == ref_type


_CITED = re.compile(r"(.+?) số (\S+)")


def _cites(meta: DocumentMeta, ref_type: str, number: str) -> bool:
    for label in meta.cited_documents:
        m = _CITED.match(label)
        if m and (not ref_type or fold(m.group(1)) == ref_type) and number_matches(number, m.group(2)):
            return True
    return False


class DocumentIndex:
    """The documents by what resolution looks them up by (their own number's digits, the numbers
    their metadata cites, their type, their level), built once per snapshot: resolving a question
    reads the documents it names, not every document."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self.documents: dict[str, Document] = {d.id: d for d in documents}
        self.by_number: dict[str, list[Document]] = defaultdict(list)  # own number read, by its digits
        self.by_cited: dict[str, list[Document]] = defaultdict(list)  # by the digits of numbers cited
        self.by_type: dict[str, list[Document]] = defaultdict(list)
        self.by_level: dict[str, set[str]] = defaultdict(set)
        self.unread: list[Document] = []  # own number not read, or read with doubt: any may be the one named
        self.blank: list[Document] = []  # no number at all
        for d in self.documents.values():
            if _known_number(d.meta):
                self.by_number[number_key(d.meta.number)].append(d)
            if _doubtful_number(d.meta):
                self.unread.append(d)
            if not (d.meta.number or "").strip():
                self.blank.append(d)
            for key in {
                number_key(m.group(2)) for label in d.meta.cited_documents if (m := _CITED.match(label))
            }:
                self.by_cited[key].append(d)
            self.by_type[fold(d.meta.doc_type)].append(d)
            if level := document_level(d.meta):
                self.by_level[level].add(d.id)

    def carrying(self, number: str) -> list[Document]:
        """The documents that may carry ``number`` (``_carries`` decides)."""
        key = number_key(number)
        return self.by_number.get(key, []) if key else list(self.documents.values())

    def citing(self, number: str) -> list[Document]:
        """The documents whose metadata may cite ``number`` (``_cites`` decides)."""
        key = number_key(number)
        return self.by_cited.get(key, []) if key else list(self.documents.values())


def resolve_documents(
    question: Question,
    documents: DocumentIndex | Iterable[Document],
    allowed: set[str],
    texts: dict[str, str] | None = None,
) -> Resolved:
    """The readable documents (``allowed``) the question is answered inside. ``texts``: each
    document's folded text, when the whole corpus is at hand, to find citations the metadata missed
    (only the texts given are read)."""
    index = documents if isinstance(documents, DocumentIndex) else DocumentIndex(documents)
    readable = allowed & index.documents.keys()
    if not readable:
        return Resolved(none=True)  # the asker's filters leave nothing to search
    resolved: set[str] = set()
    missing: list[tuple[str, str, str]] = []
    doubtful: set[str] = set()
    named: dict[str, str] = {}
    references = references_of(question)
    for ref_type, number, written in references:
        own = {
            d.id
            for d in index.carrying(number)
            if d.id in readable and _carries(d.meta, number) and _types_agree(ref_type, d.meta)
        }
        other = about_another_document(question, ref_type, number) if own and texts is not None else ""
        if other:
            # "kế hoạch đón tiếp Đoàn kiểm tra thực hiện Công văn 1849": the plans of that type that
            # cite it are asked of, not the letter itself (when one does).
            citing = {
                d.id
                for d in index.by_type.get(other, [])
                if d.id in readable and d.id not in own and _cited_in(texts.get(d.id, ""), ref_type, number)
            }
            own = citing or own
        citing = {d.id for d in index.citing(number) if d.id in readable and _cites(d.meta, ref_type, number)}
        if texts is not None:
            citing |= {d for d, text in texts.items() if d in readable and _cited_in(text, ref_type, number)}
        if own:
            resolved |= own
            if not other and all(index.documents[d].meta.uncertain for d in own):
                # Its header in doubt (digits or date from one source: a file's name, a doubtful
                # reading, a citation): the documents citing the number are asked too, as for a
                # number not read (the question's number agreeing with it, it is not shown as doubtful).
                resolved |= citing
            continue
        # Not carried: the documents whose text (or metadata) names it, one of which may be the
        # document itself when its own number could not be read (a scan, OCR's "1351/qðiubnd");
        # and a draft whose blank number has its code ("…/KH-SGDĐT" for "362/KH-SGDĐT").
        unread = {
            d.id
            for d in index.unread
            if d.id in readable
            and _unread_with_code(d.meta, (texts or {}).get(d.id, ""), number)
            and _types_agree(ref_type, d.meta)
        }
        found = citing | unread
        if found:
            resolved |= found
            doubtful |= unread
            named.update((d, written) for d in unread if d not in named)
        elif texts is None and any(d.id in readable for d in index.blank):
            # Without the texts at hand a document whose number was not read may still be it, or
            # cite it: neither ruled out nor named, the question is answered as it stands.
            continue
        else:
            missing.append((ref_type, number, written))
    if missing and not resolved:
        ref_type, _, written = missing[0]
        docs = [d for d in index.documents.values() if d.id in readable]
        return Resolved(missing=written, closest=_closest(question, docs, ref_type))
    if not references:
        types = {fold(t) for t in question.document.types}
        resolved = titled(question, [d for t in types for d in index.by_type.get(t, []) if d.id in readable])
    level = question.document.level
    if level:
        other = readable & set().union(*(ids for lv, ids in index.by_level.items() if lv != level))
        if resolved:
            resolved -= other
        elif other:
            resolved = readable - other
            if not resolved:
                return Resolved(none=True)  # nothing of that level: nothing answers
    kept = doubtful & resolved
    return Resolved(documents=resolved, doubtful=kept, named={d: named[d] for d in kept})


def about_another_document(intent: Question, ref_type: str, number: str) -> str:
    """The (folded) type of the document the question asks of, when it is another than the one
    it cites and named without a number before it ("phiếu trình về Công văn 4552", "kế hoạch thực
    hiện Quyết định 1169"), not in a frame ("Theo kế hoạch …, Quyết định 1169 …") unless the frame's
    document is about the cited one ("Theo phiếu trình … về Công văn 4552, …"); else ""."""
    folded = fold(intent.text)
    at = folded.find(number)
    numbered = {t for t, _ in intent.references}
    for doc_type in intent.doc_types:
        kind = fold(doc_type)
        if kind == ref_type or kind in numbered:
            continue
        before = folded[: max(at, 0)]
        m = re.search(rf"\b{re.escape(kind)}\b", before)
        if m and not re.search(r"\btheo\s*$", folded[: m.start()]):
            return kind
        # "Theo phiếu trình … về Công văn 4552, …": a frame whose document is about the cited one.
        if m and re.search(rf"\bve\s+{re.escape(ref_type)}\s+(?:so\s*:?\s*)?$", before):
            return kind
    return ""


# Title words that name no subject ("về việc ban hành quy định …").
_TITLE_FUNCTION_WORDS = frozenset(
    "ve viec ban hanh quy dinh cua va cac nhung trong tren tai theo cho voi den nam giai doan so".split()
)
# A document named by its type and most of its title's words ("Thông tư phân cấp quản lý tổ chức
# cán bộ Bộ Tư pháp") is the one asked about, when no other of the type is named nearly as well.
TITLE_NAMED = 0.6
TITLE_WORDS = 3
TITLE_MARGIN = 0.2


@lru_cache(maxsize=1 << 14)
def _title_words(title: str) -> frozenset[str]:
    words = {w for w in fold(title).split() if w.isalpha()}
    return frozenset(words - _TITLE_FUNCTION_WORDS - STOP_TERMS)


# Words a question uses to name a document's type or to ask for its relations, not to describe it.
_NAMING_WORDS = frozenset(
    {w for name in DOC_TYPES for w in name.split()}
    | {w for _, words in RELATION_WORDS for w in re.split(r"[|\s]+", words)}
    | set("van ban nay moi nao".split())
)


def title_words_met(question: Question, meta: DocumentMeta) -> tuple[int, int]:
    """How many words of a document's title the question has, and how many words the question
    describes a document with (less function words, type names and relation words)."""
    words = _title_words(meta.title or meta.subject)
    return len(words & question.words), len(_title_words(question.folded) - _NAMING_WORDS)


def titled(question: Question, docs: list[Document]) -> set[str]:
    """Documents of a type the question names whose title it quotes most of (ties kept)."""
    types = {fold(t) for t in question.document.types}
    if not types:
        return set()
    scored = []
    for d in docs:
        if fold(d.meta.doc_type) not in types:
            continue
        words = _title_words(d.meta.title or d.meta.subject)
        found = words & question.words
        if words and len(found) >= TITLE_WORDS:
            scored.append((len(found) / len(words), d.id))
    if not scored:
        return set()
    best = max(s for s, _ in scored)
    if best < TITLE_NAMED:
        return set()
    return {d for s, d in scored if s >= best - TITLE_MARGIN}


def references_of(question: Question) -> list[tuple[str, str, str]]:
    """(folded type or "", folded number, as written) of each document number the question names."""
    written = dict(question.document.written)
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for ref_type, number in question.document.refs:
        if _is_document_number(number) and number not in seen:
            out.append((ref_type, number, written.get(number, number)))
            seen.add(number)
    for number in question.document.numbers:
        if not _is_document_number(number) or number in seen:
            continue
        if not any(number.startswith(n) or n.startswith(number) for n in seen):
            out.append(("", number, written.get(number, number)))
            seen.add(number)
    return out


def _carries(meta: DocumentMeta, number: str) -> bool:
    return _known_number(meta) and number_matches(number, meta.number)


def _known_number(meta: DocumentMeta) -> bool:
    """The document's own number was read, digits and all: it is no other document's."""
    return re.match(r"\s*\d", meta.number or "") is not None


# How far into a document its number line stands (the header), in folded characters.
HEADER_CHARS = 800


def _doubtful_number(meta: DocumentMeta) -> bool:
    """The document's own digits are not to be trusted: not read, or read by OCR with doubt."""
    return not _known_number(meta) or "number" in meta.uncertain


def _unread_with_code(meta: DocumentMeta, text: str, number: str) -> bool:
    """A document whose own digits could not be read, or were read with doubt, but whose code is
    this number's: a draft's blank "…/KH-SGDĐT" for "362/KH-SGDĐT", a scan whose number line OCR
    garbled ("Số: a y 1 }BCA-C04") for "4552/BCA-C04", a handwritten "539" OCR read as a doubtful
    "93/QĐ-ĐHTĐ". Trusted digits that differ are another document."""
    if "/" not in number or not _doubtful_number(meta):
        return False
    code = _code(number)
    read = fold(meta.number or "").lstrip(" .…").replace(" ", "")
    if read:
        return "/" in read and _code(read) == code
    return len(code) >= 4 and code in text[:HEADER_CHARS]


def doubtful_note(meta: DocumentMeta, named: str = "") -> str:
    """What an answer from a document taken by its code alone says: the digits OCR read with doubt,
    or that no document carries the number named, only one whose number was left blank or not read."""
    if _known_number(meta) or "number" in meta.uncertain:
        return f"(Số hiệu của văn bản này đọc bằng OCR là “{meta.number}”, không chắc chắn: cần đối chiếu bản gốc.)"
    number = (meta.number or "").strip()
    blank = " (phần số để trống hoặc không đọc được)" if re.match(r"[\s.…]*/", number) else ""
    source = f"văn bản số hiệu “{number}”{blank}" if number else "một văn bản không rõ số hiệu"
    asked = f"ghi số hiệu của {named[:1].upper()}{named[1:]}" if named else "ghi đúng số hiệu được hỏi"
    return f"(Không văn bản nào đang tra cứu {asked}: câu trả lời lấy từ {source}, có thể không phải văn bản được hỏi.)"


def _cited_in(text: str, ref_type: str, number: str) -> bool:
    """The folded text names the document: its number ("468/qd-ubnd", whatever the type is called:
    "NQ số 30/NQ-HĐND"; a footnote mark may follow: "69/2023/AL¹"), its digits before a code OCR
    garbled ("1351/qðiubnd": same first letter, odd characters; a clean other code such as
    "77/kh-ubnd" is another document), or its type then a bare number ("kế hoạch số 58")."""
    if not text:
        return False
    if "/" in number or "-" in number:
        if re.search(rf"(?<![\w/]){re.escape(number)}(?![a-z])", text):
            return True
        head, code = re.match(r"\d*", number).group(0), _code(number)  # type: ignore[union-attr]
        if not head or not code[:1].isalpha():
            return False
        return any(
            _garbled(m.group(1), code) for m in re.finditer(rf"(?<![\w/.,]){head}\s?/\s?([^\s,;:()]+)", text)
        )
    if not ref_type:
        return False
    return (
        re.search(rf"\b{re.escape(ref_type)}\s+(?:so\s+)?{re.escape(number)}(?:\s*[/-]|(?![\w]))", text)
        is not None
    )


def _garbled(written: str, code: str) -> bool:
    """A code as OCR may have written this one: the same first letter, and characters no code has."""
    return written[:1] == code[:1] and re.fullmatch(r"[a-z0-9&/.-]+", written) is None


def _code(number: str) -> str:
    return number[number.index("/") + 1 :] if "/" in number else ""


def _closest(question: Question, docs: list[Document], ref_type: str) -> list[str]:
    """The readable documents most like the one named: of its type, then sharing title words."""
    asked = set(question.terms.folded)

    def score(d: Document) -> tuple[float, str]:
        meta = d.meta
        same_type = 1.0 if ref_type and fold(meta.doc_type) == ref_type else 0.0
        words = TextTerms.of(f"{meta.title} {meta.subject} {meta.issuer}").folded
        overlap = len(asked & words) / max(1, len(asked))
        return (same_type + overlap, meta.label())

    ranked = sorted(docs, key=lambda d: (-score(d)[0], score(d)[1]))
    return [d.id for d in ranked[:CLOSEST]]


def not_found_text(resolved: Resolved, labels: dict[str, str]) -> str:
    """ "Kế hoạch 617 không có trong các văn bản đang tra cứu." and the closest documents."""
    name = resolved.missing[:1].upper() + resolved.missing[1:]
    text = f"{name} không có trong các văn bản đang tra cứu."
    closest = [labels[d] for d in resolved.closest if d in labels]
    if closest:
        text += " Các văn bản gần nhất:\n" + "\n".join(f"- {label}" for label in closest)
    return text
