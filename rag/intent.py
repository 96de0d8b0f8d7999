"""Question understanding for the answerer: pure functions over the question text.

Everything is matched on the folded form (no diacritics, lower-case), so questions typed
without marks behave like the same question with marks. English questions are mapped to
Vietnamese retrieval terms through a small glossary of administrative vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from index.query import analyze_query
from rag.question_form import QuestionForm
from rag.text import fold, has_diacritics
from rag.vocabulary import DOC_TYPES

# English administrative vocabulary -> Vietnamese (folded targets are matched later, the
# Vietnamese form is what retrieval sees). Longer phrases first.
ENGLISH_GLOSSARY: tuple[tuple[str, str], ...] = (
    ("who signed", "ai ký"),
    ("who is responsible for", "đơn vị nào chủ trì"),
    ("who is in charge of", "đơn vị nào chủ trì"),
    ("who carries out", "đơn vị nào thực hiện"),
    ("who implements", "đơn vị nào thực hiện"),
    ("provincial plan", "Kế hoạch cấp tỉnh"),
    ("document number", "số hiệu"),
    ("signed by", "ký"),
    ("which unit", "đơn vị nào"),
    ("which agency", "cơ quan nào"),
    ("which department", "sở nào"),
    ("in charge of", "chủ trì"),
    ("responsible for", "chịu trách nhiệm"),
    ("coordinating", "phối hợp"),
    ("coordinates", "phối hợp"),
    ("coordinate", "phối hợp"),
    ("coordinated", "phối hợp"),
    ("how many", "bao nhiêu"),
    ("how much", "bao nhiêu"),
    ("how often", "tần suất"),
    ("what percentage", "tỷ lệ bao nhiêu"),
    ("sent to", "kính gửi"),
    ("addressed to", "kính gửi"),
    ("come into force", "có hiệu lực"),
    ("comes into force", "có hiệu lực"),
    ("takes effect", "có hiệu lực"),
    ("take effect", "có hiệu lực"),
    ("in force", "có hiệu lực"),
    ("effective", "có hiệu lực"),
    ("when was", "ngày nào"),
    ("what date", "ngày nào"),
    ("deadline", "thời gian thực hiện"),
    ("resolution", "Nghị quyết"),
    ("decision", "Quyết định"),
    ("official letter", "Công văn"),
    ("letter", "Công văn"),
    ("plan", "Kế hoạch"),
    ("report", "Báo cáo"),
    ("directive", "Chỉ thị"),
    ("decree", "Nghị định"),
    ("circular", "Thông tư"),
    ("law", "Luật"),
    ("issued", "ban hành"),
    ("signed", "ký"),
    ("target", "mục tiêu"),
    ("targets", "mục tiêu"),
    ("goal", "mục tiêu"),
    ("objective", "mục tiêu"),
    ("task", "nhiệm vụ"),
    ("lead", "chủ trì"),
    ("leads", "chủ trì"),
    ("implement", "thực hiện"),
    ("implements", "thực hiện"),
    ("carry out", "thực hiện"),
    ("carries out", "thực hiện"),
    ("province", "tỉnh"),
    ("provincial", "cấp tỉnh"),
    ("department of science and technology", "Sở Khoa học và Công nghệ"),
    ("people's committee", "Ủy ban nhân dân"),
    ("digital transformation", "chuyển đổi số"),
    ("innovation", "đổi mới sáng tạo"),
    ("science", "khoa học"),
    ("technology", "công nghệ"),
    ("communication", "truyền thông"),
    ("by year", "năm"),
    ("appraisals", "thẩm định"),
    ("appraisal", "thẩm định"),
    ("appraised", "thẩm định"),
    ("investment projects", "dự án đầu tư"),
    ("investment", "đầu tư"),
    ("projects", "dự án"),
    ("project", "dự án"),
    ("licences", "giấy phép"),
    ("licenses", "giấy phép"),
    ("license", "giấy phép"),
    ("licence", "giấy phép"),
    ("radiation", "bức xạ"),
    ("initiatives", "sáng kiến"),
    ("initiative", "sáng kiến"),
    ("measuring instruments", "phương tiện đo"),
    ("inspected", "kiểm định"),
    ("verified", "kiểm định"),
    ("proposals", "phiếu đề xuất"),
    ("proposal", "đề xuất"),
    ("received", "tiếp nhận"),
    ("communes", "xã"),
    ("commune", "xã"),
    ("wards", "phường"),
    ("post offices", "bưu điện"),
    ("cultural", "văn hóa"),
    ("percentage", "tỷ lệ"),
    ("rate", "tỷ lệ"),
    ("budget", "ngân sách"),
    ("funding", "kinh phí"),
    ("funds", "kinh phí"),
    ("education", "giáo dục"),
    ("training", "đào tạo"),
    ("finance", "tài chính"),
    ("foreign affairs", "ngoại vụ"),
    ("home affairs", "nội vụ"),
    ("enterprises", "doanh nghiệp"),
    ("enterprise", "doanh nghiệp"),
    ("businesses", "doanh nghiệp"),
    ("press", "báo chí"),
    ("media", "truyền thông"),
    ("radio", "phát thanh"),
    ("television", "truyền hình"),
    ("website", "trang thông tin điện tử"),
    ("portal", "cổng thông tin điện tử"),
    ("news articles", "tin bài"),
    ("articles", "tin bài"),
    ("per month", "mỗi tháng"),
    ("per week", "mỗi tuần"),
    ("monthly", "hằng tháng"),
    ("weekly", "hằng tuần"),
    ("research", "nghiên cứu"),
    ("topics", "đề tài"),
    ("merged", "hợp nhất"),
    ("merge", "hợp nhất"),
    ("recipients", "nơi nhận"),
    ("department", "Sở"),
    ("people", "người dân"),
    ("officials", "cán bộ"),
    ("civil servants", "công chức"),
    ("stations", "trạm"),
    ("compared to", "so với"),
    ("regularly", "thường xuyên"),
    ("national", "quốc gia"),
    ("day", "ngày"),
    ("channel", "kênh"),
    ("broadcasts", "phát sóng"),
    ("broadcast", "phát sóng"),
    ("programme", "chương trình"),
    ("program", "chương trình"),
    ("column", "chuyên mục"),
    ("frequency", "tần suất"),
    ("tasks", "nhiệm vụ"),
    ("who", "ai"),
)

# Words that mark an English question and are not Vietnamese syllables once folded.
_ENGLISH_MARKERS = re.compile(
    r"\b(what|when|who|which|how|where|why|is|are|was|were|of|does|did|whom|whose)\b", re.IGNORECASE
)


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


def translate_english(question: str) -> tuple[str, bool]:
    """Map an English question's administrative words to Vietnamese; (query, was_english)."""
    if fold(question) != question.lower().strip():  # has Vietnamese marks
        return question, False
    if not _ENGLISH_MARKERS.search(question):
        return question, False
    out = re.sub(r"(\w)['’]s\b", r"\1", question)  # "department's plan" -> "department plan"
    lookup, pattern = _english_table()
    return pattern.sub(lambda m: lookup[m.group(0).lower()], out), True


# English words that carry no subject; with the glossary's terms, the rest of an English
# question is what it is about.
_ENGLISH_FUNCTION_WORDS = frozenset(
    """
    a an the of in on at for to by with from into onto about under over per as than and or nor but
    is are was were be been being am do does did done will would shall should must can could may
    might what which who whom whose when where why how many much that this these those it its they
    their them there here not no any all each every some such own other same so very also only
    according regarding concerning between among within without during before after until since
    if whether while has have had having get gets got under new year years
    """.split()
)
_ENGLISH_WORD = re.compile(r"[a-z][a-z'-]*")


def english_known(question: str) -> float:
    """Share of an English question's subject words that the glossary puts into Vietnamese (names
    and codes aside): the rest reaches the documents only through the dense model's reading."""
    out = re.sub(r"(\w)['’]s\b", r"\1", question)
    lookup, pattern = _english_table()
    spans = [m.span() for m in pattern.finditer(out)]
    known = unknown = 0
    for m in _ENGLISH_WORD.finditer(out.lower()):
        word = m.group(0)
        if word in _ENGLISH_FUNCTION_WORDS or out[m.start()].isupper():
            continue  # a function word, or a name ("Da Nang", "Hue") the documents spell their way
        if any(a <= m.start() < b for a, b in spans):
            known += 1
        else:
            unknown += 1
    return known / (known + unknown) if known + unknown else 1.0


@lru_cache(maxsize=1)
def _english_table() -> tuple[dict[str, str], re.Pattern[str]]:
    """The question phrases above, then the general administrative terms (rag.english_terms),
    each with its plural ("policies", "boxes", "cards"): one pass, longest phrase first, so a
    Vietnamese word put in is never translated again."""
    from rag.english_terms import ENGLISH_TERMS

    lookup: dict[str, str] = {}
    for en, vi in (*ENGLISH_GLOSSARY, *ENGLISH_TERMS):
        lookup.setdefault(en.lower(), vi)
    for en, vi in list(lookup.items()):
        plurals = (en[:-1] + "ies",) if en.endswith("y") else (en + "es", en + "s")
        for plural in plurals:
            lookup.setdefault(plural, vi)
    keys = sorted(lookup, key=len, reverse=True)
    return lookup, re.compile(r"\b(?:" + "|".join(map(re.escape, keys)) + r")\b", re.IGNORECASE)


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
