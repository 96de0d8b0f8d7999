"""English questions read into Vietnamese: the question phrases and the general administrative
terms (rag.english_terms) put in their Vietnamese wording for retrieval and the support check,
and how much of a question they read (the rest reaches the documents only through the dense
model)."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text import has_diacritics

# English administrative vocabulary -> Vietnamese (folded targets are matched later, the
# Vietnamese form is what retrieval sees). Longer phrases first.
ENGLISH_GLOSSARY: tuple[tuple[str, str], ...] = (
    ("who signed", "ai ký"),
    ("who signs", "ai ký"),
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


_POSSESSIVE = re.compile(r"(\w)['’]s\b")  # "department's plan" -> "department plan"
# "civil-service", "official-duty": English joins a compound's words with a hyphen or not at will;
# both are read as the spaced phrase (the glossary's keys too).
# (Lower-case words only: "380/NQ-CP" is a code.)
_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")


def _unhyphenated(text: str) -> str:
    return _HYPHEN.sub(" ", _POSSESSIVE.sub(r"\1", text))


_GLOSSES = re.compile(r"\([^()]*\)|“[^”]*”|\"[^\"]*\"")


def translate_english(question: str) -> tuple[str, bool]:
    """Map an English question's administrative words to Vietnamese; (query, was_english)."""
    # Vietnamese marks outside a gloss: a Vietnamese question. An English one may quote the
    # Vietnamese word it asks about ("rotating savings groups (họ, hụi)").
    if has_diacritics(_GLOSSES.sub(" ", question)):
        return question, False
    if not _ENGLISH_MARKERS.search(question):
        return question, False
    out = _unhyphenated(question)
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
    if whether while has have had having get gets got new year years
    """.split()
)
_ENGLISH_WORD = re.compile(r"[a-z][a-z'-]*")


def english_known(question: str) -> float:
    """Share of an English question's subject words that the glossary puts into Vietnamese (names
    and codes aside, and the Vietnamese it glosses itself with): the rest reaches the documents
    only through the dense model's reading."""
    out = _unhyphenated(_GLOSSES.sub(" ", question))
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


def warm() -> None:
    """Compile the glossary's pattern now (≈ 0.7 s: thousands of phrases in one alternation)."""
    _english_table()


@lru_cache(maxsize=1)
def _english_table() -> tuple[dict[str, str], re.Pattern[str]]:
    """The question phrases above, then the general administrative terms (rag.english_terms),
    each with its plural ("policies", "boxes", "cards"): one pass, longest phrase first, so a
    Vietnamese word put in is never translated again."""
    from rag.reading.english_terms import ENGLISH_TERMS

    lookup: dict[str, str] = {}
    for en, vi in (*ENGLISH_GLOSSARY, *ENGLISH_TERMS):
        lookup.setdefault(_HYPHEN.sub(" ", en.lower()), vi)
    for en, vi in list(lookup.items()):
        plurals = (en[:-1] + "ies",) if en.endswith("y") else (en + "es", en + "s")
        for plural in plurals:
            lookup.setdefault(plural, vi)
    keys = sorted(lookup, key=len, reverse=True)
    return lookup, re.compile(r"\b(?:" + "|".join(map(re.escape, keys)) + r")\b", re.IGNORECASE)
