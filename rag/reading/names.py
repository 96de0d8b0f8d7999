"""How a question names what it is about, read for follow-ups: its document ("kế hoạch của UBND
tỉnh", "Kế hoạch 58/KH-UBND"), a body ("Sở Văn hóa, Thể thao và Du lịch"), and the demonstratives
that point back at them ("văn bản đó", "nhiệm vụ này")."""

from __future__ import annotations

import re

from rag.text import fold, fold_aligned, has_diacritics, nfc

_TYPES = (
    r"van ban|ke hoach|cong van|bao cao|quyet dinh|nghi quyet|nghi dinh|thong tu|luat|chi thi"
    r"|huong dan|to trinh|thong bao|chuong trinh|de an|cong dien|quy che|quy dinh|ket luan"
)
# "đó/này/ấy/nói trên": the one just talked about. Unmarked "do" is also "by" ("kế hoạch do
# UBND ban hành"), so without marks it counts only where "by" cannot follow.
THAT = r"(?:do|nay|ay|noi tren|tren|vua (?:roi|neu|hoi))"
_THAT_END = re.compile(  # a run of spaces read once, from its start
    r"(?<!\s)\s*+(?:$|[?.,;:!]|thi\b|la\b|co\b|duoc\b|quy\b|ve\b|gom\b|giao\b|ky\b|ban hanh\b|het\b)"
)
DOC_THAT = re.compile(rf"\b({_TYPES})\s+{THAT}\b")
# With marks, the demonstrative and the head are written as such.
_MARKED_THAT = re.compile(r"(?:^|\s)(?:đó|này|ấy|nói trên|trên|vừa (?:rồi|nêu|hỏi))$")
_MARKED_HEADS = frozenset(
    "văn kế công báo quyết nghị thông luật chỉ hướng tờ chương đề nhiệm mục đơn cơ sở phòng ban quy kết".split()
)
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

_UNIT_LABEL = re.compile(r"(?:thực hiện|chủ trì|phối hợp|Chủ trì)\s*:\s*")


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
        if re.match(rf"\s+{THAT}\b", folded[m.end() :]) and demonstrative(DOC_THAT, question[m.start() :]):
            continue
        if DOC_THAT.match(folded, m.start()) and demonstrative(DOC_THAT, question[m.start() :]):
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


def demonstrative(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
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
