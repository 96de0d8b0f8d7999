"""Question understanding for the answerer: pure functions over the question text.

Everything is matched on the folded form (no diacritics, lower-case), so questions typed
without marks behave like the same question with marks. English questions are mapped to
Vietnamese retrieval terms through a small glossary of administrative vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.query import analyze_query
from rag.english import translate_english
from rag.question_form import QuestionForm
from rag.text import fold, has_diacritics
from rag.vocabulary import DOC_TYPES

# Titles people hold; "ai là <title>" / "<title> là ai" asks for a person's name.
_PERSON_TITLES = (
    r"(pho\s+)?(chu tich|giam doc|bi thu|truong phong|truong ban|thu tuong|bo truong|chanh van phong|"
    r"tong giam doc|truong|nguoi dung dau)"
)

# Units a count is asked in ("mấy năm", "bao nhiêu ngày làm việc").
_COUNT_UNITS = (
    r"(nam|thang|tuan|ngay|gio|lan|nguoi|muc|diem|dot|buoc|loai|nhom|truong hop|thanh vien|ban|mau)"
)
_MARKED_COUNT = re.compile(r"\bmấy\b", re.IGNORECASE)
# A question asking which article (or chapter) says something: the answer names it.
_ASKS_ARTICLE = re.compile(r"\b(dieu|chuong|dieu khoan) (nao|may)\b|\bquy dinh (o|tai) dau\b")

_DOCUMENT_WORDS = "|".join(["van ban", *sorted(DOC_TYPES, key=len, reverse=True)])

# Intent patterns (folded). Order matters: the first match wins.
_INTENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "person",
        re.compile(
            rf"\bai\s+(la|dang la|hien la)\s+{_PERSON_TITLES}\b|\b{_PERSON_TITLES}\b[\w\s]{{0,60}}\bla ai\b"
        ),
    ),
    (
        "signer",
        re.compile(
            r"\b(ai|nguoi nao|ong nao|ba nao|chuc danh nao)\s+(da\s+)?(dung ten\s+)?ky\b|\bnguoi ky\b|\bky\s+boi\b"
        ),
    ),
    (
        "recipient",
        re.compile(
            r"\bkinh gui\b|\bnoi nhan\b|\bgui\s+(cho\s+|den\s+|toi\s+|ve\s+)?(ai|dau|nhung|co quan|don vi|cac|noi nao)\b"
            r"|\b(duoc|da) gui\b|\bnhan van ban\b"
            # "Công điện … gửi Chủ tịch UBND những tỉnh nào": a document sent to whom (not "units send
            # their files to which office", which the text answers)
            rf"|\b(?:{_DOCUMENT_WORDS})\b[^?]*?\bgui\b(?:\s+\w+){{0,6}}?\s+(?:nhung|cac)\s+(?:[\w,]+\s+){{0,3}}nao\b"
            # "Kế hoạch … gửi Bộ Công an (để báo cáo) qua đơn vị nào": the recipients line says "(qua …)"
            rf"|^(?:theo\s+)?(?:{_DOCUMENT_WORDS})\b[^?,]{{0,60}}?\bgui\s+(?:bo|so|cuc|ban|vu|uy ban|ubnd|hdnd|chu tich|"
            r"van phong|tinh uy|thanh uy|thu tuong|chinh phu|quoc hoi)\b[^?]*\bqua\s+(?:don vi|co quan|ai)\b"
        ),
    ),
    # "how many" outranks the verbs around it ("how many … did the department carry out").
    ("number", re.compile(r"\bbao nhieu\b|\bso luong\b")),
    ("coordinating", re.compile(r"\bphoi hop\b")),
    (
        "lead_unit",
        re.compile(
            r"\b(don vi|co quan|phong|so|ai|ben|bo phan|nhung don vi|nhung co quan)\s+(nao\s+)?"
            r"(la\s+)?(thuc hien|chu tri|phu trach|dam nhiem|cam trich|dam trach)\b"
            r"|\bdo\s+(ai|don vi nao|co quan nao|nhung don vi nao|nhung co quan nao|phong nao)\b"
            r"|\b(chu tri|dau moi)\b"
            r"|\b(ai|don vi nao|co quan nao)\s+(chiu trach nhiem|phu trach)\b"
            r"|\b(don vi|co quan|phong|ai)\s+nao\s+la\s+(co quan|don vi)\b"
        ),
    ),
    (
        "deadline",
        re.compile(r"\bthoi gian thuc hien\b|\bthoi han\b|\bhan (chot|bao cao)\b|\btruoc ngay nao\b"),
    ),
    ("target", re.compile(r"\bmuc tieu\b|\bchi tieu\b")),
    (
        "date",
        re.compile(
            r"\bngay nao\b|\bkhi nao\b|\bbao gio\b|\bthoi diem nao\b|\bngay bao nhieu\b"
            r"|\bban hanh (vao )?ngay\b|\bngay ban hanh\b|\bnam nao\b"
        ),
    ),
    ("number", re.compile(r"\bty le\b|\btan suat\b|\bmuc do\b|\bmay (don vi|co quan|lan|nguoi)\b")),
    # "mấy năm", "mấy ngày" (not "máy": the marked question tells, see _MARKED_COUNT)
    ("number", re.compile(rf"\bmay\s+{_COUNT_UNITS}\b")),
    ("doc_number", re.compile(r"\bso hieu\b|\bso ky hieu\b|\bky hieu\b")),
)

# Function syllables that carry no evidence. Kept small on purpose: folded Vietnamese
# syllables are ambiguous ("van" is văn/vẫn/vận), so rarity (IDF) does the rest.
STOP_TERMS = frozenset(
    """
    ai gi nao la cua va cac nhung mot trong tai theo voi cho den tu ve thi ma nhu the khi nay
    do hay hoac de boi vi neu da dang se nua duoc khong co
    what when who which how where why is are was were the of a an to in on for by does did do and or
    """.split()
)
# Question phrases removed before collecting evidence terms.
_QUESTION_PHRASES = re.compile(
    r"\b(la gi|nhu the nao|the nao|bao nhieu|ngay nao|khi nao|bao gio|nhung gi|nhung viec gi"
    r"|don vi nao|co quan nao|phong nao|so nao|tinh nao|bo phan nao|ben nao|ai|sau khi|truoc khi"
    r"|(co |duoc giao |chiu )?(trach nhiem|nhiem vu) gi|(phai )?lam gi|lam nhung gi|lam nhung viec gi"
    # "theo báo cáo", "trong kế hoạch": the document itself, matched by document affinity
    r"|(theo|trong|tai|cua) (ke hoach|bao cao|cong van|quyet dinh|nghi quyet|van ban|phu luc)( nay| do)?)\b"
)


def question_phrase_spans(folded: str) -> list[tuple[int, int]]:
    """Character spans of question phrases ("là gì", "bao nhiêu" …) in a folded text."""
    return [m.span() for m in _QUESTION_PHRASES.finditer(folded)]


@dataclass
class Intent:
    kind: (
        str  # signer, recipient, coordinating, lead_unit, deadline, target, date, number, doc_number, content
    )
    question: str  # as typed
    query: str  # what retrieval sees (English mapped to Vietnamese)
    folded: str  # folded query
    task_number: int | None = None
    years: list[str] = field(default_factory=list)
    doc_types: list[str] = field(default_factory=list)  # document types the question names
    references: list[tuple[str, str]] = field(default_factory=list)  # (doc type, number token), folded
    english: bool = False
    person_title: str | None = None  # "chu tich" when asked "ai là chủ tịch …" (folded)
    article: str | None = None  # a legal locator the question names: "Điều 8 khoản 2 điểm a"
    list_like: bool = False  # asks for several things ("những gì", "những đơn vị nào")
    asks_article: bool = False  # "điều nào quy định …": the answer names the article
    asks_count: bool = False  # "bao nhiêu", "số lượng", "mấy năm": the answer must state a quantity
    form: QuestionForm | None = None  # choices or a yes/no frame set apart from the stem (rag.question_form)


_ARTICLE = re.compile(r"\bdieu\s+(\d{1,3})\b")
_CLAUSE = re.compile(r"\bkhoan\s+(\d{1,2})\b")
_POINT = re.compile(r"\bdiem\s+([a-z])\b")


def legal_locator(folded: str, original: str = "") -> str | None:
    """ "khoản 2 Điều 8" / "Điều 8 khoản 2" -> "Điều 8 khoản 2" (the parser's locator form)."""
    article = _ARTICLE.search(folded)
    if not article:
        return None
    out = f"Điều {article.group(1)}"
    clause = _CLAUSE.search(folded)
    if clause:
        out += f" khoản {clause.group(1)}"
        point = _POINT.search(folded)
        if point:
            # Folding reads "điểm đ" as "diem d": take the letter from the marked text when there is one.
            marked = re.search(r"\bđiểm\s+([a-zđ])\b", original.lower()) if original else None
            out += f" điểm {marked.group(1) if marked else point.group(1)}"
    return out


def analyze(question: str) -> Intent:
    query, english = translate_english(question.strip())
    folded = fold(query)
    kind = "content"
    for name, pattern in _INTENTS:
        if pattern.search(folded):
            kind = name
            break
    # "máy" (machine) folds like "mấy": with marks, only "mấy" asks for a count.
    counts_in_words = bool(re.search(rf"\bmay\s+{_COUNT_UNITS}\b", folded)) and (
        not has_diacritics(query) or bool(_MARKED_COUNT.search(query))
    )
    asks_count = counts_in_words or bool(re.search(r"\bbao nhieu\b|\bso luong\b", folded))
    if kind == "number" and not asks_count and re.search(rf"\bmay\s+{_COUNT_UNITS}\b", folded):
        kind = "content"
    title = re.search(_PERSON_TITLES, folded) if kind == "person" else None
    article = legal_locator(folded, query)
    # Task numbers, years and document references: the retriever's query hints, read once.
    hints = analyze_query(query)
    refs = [(fold(r.doc_type), r.number) for r in hints.doc_refs]
    return Intent(
        kind=kind,
        question=question,
        query=query,
        folded=folded,
        task_number=int(hints.task_number) if hints.task_number else None,
        years=sorted(hints.years),
        doc_types=list(hints.doc_types),
        references=refs,
        english=english,
        person_title=title.group(0) if title else None,
        article=article,
        list_like=bool(re.search(r"\bnhung\b|\bcac\b.*\bnao\b|\bgom\b|\bbao gom\b|\bliet ke\b", folded)),
        asks_article=bool(_ASKS_ARTICLE.search(folded)),
        asks_count=asks_count,
    )


_TOKEN = re.compile(r"[0-9a-z]+(?:[.,/\-][0-9a-z]+)*")


def terms(folded_text: str) -> list[str]:
    """Folded word tokens, numbers with their separators kept ("1.200", "10/10/2025", "15-nq/tw")."""
    return _TOKEN.findall(folded_text)


def content_terms(intent: Intent) -> list[str]:
    """The question's evidence-bearing terms: no question words, no stop words, no pure task numbers."""
    return [t for t in terms(_QUESTION_PHRASES.sub(" ", intent.folded)) if t not in STOP_TERMS]
