"""Generate yes/no and answer-choice items over the laws, decrees and circulars of the shared
eval corpora, each statement either a sentence of a clause (true) or that sentence with one fact
altered (false): a number with its unit, a date, an actor, a negation, a condition word.
Choice items: the fact asked as a slot with three altered values, or four statements of which
one is the clause's own. Test data, not product code: run

    python tests/data/verdicts/generate.py            # writes tests/data/verdicts/verdicts.jsonl
    python tests/data/verdicts/generate.py --other    # writes tests/data/verdicts/documents.jsonl

The second set is made the same way from documents of other kinds and issuers (plans, resolutions,
decisions, directives, notices of provinces, ministries and the Government): statements nobody
tuned the verdicts on, every one synthetic (a document sentence, or it with one fact altered).

Each item: id, doc (file name), half ("fit"/"check", split by document), kind (original, number,
date, actor, negation, condition, choice_slot, choice_statement, choice_false), question,
expected ("true", "false" or a letter), sentence (the clause sentence it comes from).
"""

from __future__ import annotations

import json
import random
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path("/work/shared/eval")
OUT = Path(__file__).with_name("verdicts.jsonl")
OTHER_OUT = Path(__file__).with_name("documents.jsonl")

# (file, how a question names it, half). The halves each hold a law, a decree and a circular.
DOCUMENTS = [
    ("kinds/corpus/01_quochoi-luat80-2025.txt", "Luật Cán bộ, công chức 2025", "fit"),
    ("provinces/corpus/24_cp-nd303-2025.txt", "Nghị định 303/2025/NĐ-CP", "fit"),
    ("kinds/corpus/07_bxd-tt35-2025.txt", "Thông tư 35/2025/TT-BXD", "fit"),
    ("kinds/corpus/28_bqp-vbhn92-2025.txt", "Văn bản hợp nhất 92/VBHN-BQP", "fit"),
    ("provinces/corpus/23_quochoi-luatvieclam-2025.txt", "Luật Việc làm 2025", "check"),
    ("kinds/corpus/02_cp-nd304-2025.txt", "Nghị định 304/2025/NĐ-CP", "check"),
    ("kinds/corpus/06_btp-tt23-2025.txt", "Thông tư 23/2025/TT-BTP", "check"),
    ("provinces/corpus/25_bkhcn-tt34-2025.txt", "Thông tư 34/2025/TT-BKHCN", "check"),
]
# Documents that are not laws, decrees or circulars, several issuers in each half.
OTHER_DOCUMENTS = [
    ("kinds/corpus/03_cp-nq380-2025.txt", "Nghị quyết 380/NQ-CP", "fit"),
    ("kinds/corpus/05_hanoi-nq63-2025.txt", "Nghị quyết 63/2025/NQ-HĐND", "check"),
    ("kinds/corpus/08_cantho-ct09-2025.txt", "Chỉ thị 09/CT-UBND của Cần Thơ", "fit"),
    ("kinds/corpus/12_vptw-kl07-2025.txt", "Kết luận 07", "check"),
    ("kinds/corpus/13_bbt-qd384-2025.txt", "Quy định 384-QĐ/TW", "fit"),
    ("kinds/corpus/15_ninhbinh-qd165-2025.txt", "Quyết định 165 của Ninh Bình", "check"),
    ("kinds/corpus/16_danang-qd2641-2025.txt", "Quyết định 2641 của Đà Nẵng", "fit"),
    ("kinds/corpus/21_ttg-qd2553-2025.txt", "Quyết định 2553/QĐ-TTg", "check"),
    ("provinces/corpus/01_hanoi-kh310-2025.txt", "Kế hoạch 310 của Hà Nội", "fit"),
    ("provinces/corpus/04_nghean-kh1026-2025.txt", "Kế hoạch 1026 của Nghệ An", "check"),
    ("provinces/corpus/13_ttg-qd2597-2025.txt", "Quyết định 2597/QĐ-TTg", "fit"),
    ("provinces/corpus/17_ktnn-qd1760-2025.txt", "Quyết định 1760 của Kiểm toán nhà nước", "check"),
    ("provinces/corpus/26_hue-nq36-2025.txt", "Nghị quyết 36 của Huế", "fit"),
    ("provinces/corpus/27_quangtri-ct06-2025.txt", "Chỉ thị 06 của Quảng Trị", "check"),
]
PER_KIND = 8  # items of each kind per document, at most
CHOICES_PER_DOC = 12
VALUES_PER_DOC = 6
REORDERED_PER_DOC = 6

UNITS = (
    r"ngày công|ngày làm việc|ngày|tháng|năm|giờ|tuổi|lần|triệu đồng|tỷ đồng|đồng|%|phần trăm|người|phút"
    r"|biên chế|cấp phó|phòng|đơn vị"
    r"|tuần|điểm|km|ha|giường|bậc"
)
NUMBER = re.compile(
    rf"(?<![\w/.,])(?P<n>\d+(?:[.,]\d+)*)(?P<paren>\s*\([^()]{{1,30}}\))?\s*(?P<unit>{UNITS})(?!\w)"
)
DATE = re.compile(
    r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})|(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])"
)
# Before these words a number is a locator or a name, not a quantity.
LOCATOR_BEFORE = re.compile(r"(?:Điều|khoản|điểm|Khoản|Điểm|số|Số|mục|Mục|Chương|năm)\s*$")

# Who does or has the right: bodies and roles that laws and decrees name, longest first.
ACTORS = (
    "Quốc hội",
    "Ủy ban Thường vụ Quốc hội",
    "Chính phủ",
    "Thủ tướng Chính phủ",
    "Bộ trưởng",
    "Thủ trưởng cơ quan ngang bộ",
    "Bộ Nội vụ",
    "Bộ Tài chính",
    "Bộ Tư pháp",
    "Bộ Xây dựng",
    "Bộ Quốc phòng",
    "Bộ Công an",
    "Bộ Khoa học và Công nghệ",
    "Bộ Y tế",
    "Bộ Giáo dục và Đào tạo",
    "Bộ Công Thương",
    "Bộ Ngoại giao",
    "Ngân hàng Nhà nước Việt Nam",
    "Ngân hàng Chính sách xã hội",
    "Bảo hiểm xã hội Việt Nam",
    "Ủy ban nhân dân cấp tỉnh",
    "Ủy ban nhân dân cấp xã",
    "Hội đồng nhân dân cấp tỉnh",
    "Chủ tịch Ủy ban nhân dân cấp tỉnh",
    "Chủ tịch Ủy ban nhân dân cấp xã",
    "Cục trưởng",
    "Vụ trưởng",
    "Chánh Văn phòng",
    "Chánh Thanh tra",
    "Giám đốc",
    "Thứ trưởng",
    "người đứng đầu",
    "người lao động",
    "người sử dụng lao động",
    "bên bảo đảm",
    "bên nhận bảo đảm",
    "đăng kiểm viên",
    "tổ chức dịch vụ việc làm công",
    "doanh nghiệp",
    "cơ quan thuế",
    "Tòa án",
    "Viện kiểm sát",
    "Kiểm toán nhà nước",
    "Thanh tra Chính phủ",
    "tổ chức mua bán, xử lý nợ",
    "cơ quan quản lý cán bộ, công chức",
    "cơ quan sử dụng cán bộ, công chức",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Cục Bản quyền tác giả",
    "Cục Quản lý xử lý vi phạm hành chính và theo dõi thi hành pháp luật",
    "Ban Tổ chức Trung ương",
    "Bộ Chính trị",
    "Ban Bí thư",
    "Ủy ban Mặt trận Tổ quốc Việt Nam",
)
ACTOR = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(a) for a in sorted(ACTORS, key=len, reverse=True)) + r")(?!\w)"
)
NEGATABLE = re.compile(r"\b(được|phải|có|bị|thuộc|áp dụng)\b")
NEGATED = re.compile(r"\b(không|chưa) (?=(?:được|phải|có|bị|thuộc|áp dụng|tính|bao gồm|cần|thực hiện)\b)")
OPPOSITES = [
    ("tối đa", "tối thiểu"),
    ("trở lên", "trở xuống"),
    ("không quá", "không dưới"),
    ("ít nhất", "nhiều nhất"),
    ("trước khi", "sau khi"),
    ("trước ngày", "sau ngày"),
    ("trừ trường hợp", "kể cả trường hợp"),
    ("cao hơn", "thấp hơn"),
    ("bắt buộc", "tự nguyện"),
    ("chậm nhất", "sớm nhất"),
    ("liền kề", "không liền kề"),
    ("đủ điều kiện", "không đủ điều kiện"),
    ("vượt quá", "chưa đến"),
    ("dưới", "trên"),
]
# What is done: one action swapped for another (a kind of alteration beyond the four asked).
VERBS = (
    "ban hành",
    "phê duyệt",
    "kiểm tra",
    "giám sát",
    "hướng dẫn",
    "thẩm định",
    "quyết định",
    "đề xuất",
    "báo cáo",
    "thu hồi",
    "bổ nhiệm",
    "miễn nhiệm",
    "cấp",
    "chi trả",
    "đánh giá",
    "xử lý",
    "công bố",
)
FRAMES = [
    "{s}, đúng hay sai?",
    "{s}, đúng không?",
    "Nhận định sau đúng hay sai: {s}",
    "{s}. Điều này đúng hay sai?",
]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    out = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    return " ".join("".join(c for c in out if unicodedata.category(c) != "Mn").split())


def sentences(text: str) -> list[str]:
    """Body sentences: after "Điều 1", list markers stripped, no headings, no list intros."""
    start = re.search(r"^Điều 1\b", text, re.M)
    body = text[start.start() :] if start else text
    body = re.split(r"^(?:Nơi nhận|TM\.|KT\.|BỘ TRƯỞNG|CHỦ TỊCH QUỐC HỘI)", body, flags=re.M)[0]
    out = []
    for line in body.splitlines():
        line = nfc(line.strip())
        if not line or re.match(r"^(Điều \d+|Chương [IVXLC]+|Mục \d+)\b", line) or line.isupper():
            continue
        line = re.sub(r"^(?:\d+(?:\.\d+)*\.|[a-zđ]\)|[-+•])\s*", "", re.sub(r"\[\d+\]", "", line))
        line = line.replace("./.", "")
        for part in re.split(r"(?<=[.;])\s+(?=[A-ZĐÂĂÊÔƠƯ])|;\s+", line):
            part = part.strip().rstrip(".;,")
            words = part.split()
            if (
                10 <= len(words) <= 40
                and part[0].isupper()
                and not part.endswith(":")
                and "|" not in part
                and '"' not in part
            ):
                out.append(part)
    return list(dict.fromkeys(out))


def fmt_like(template: str, value: float) -> str:
    """A number written as `template` is (leading zero, decimal comma, thousands dots)."""
    if "," in template and not re.search(r",\d{3}\b", template):
        decimals = len(template.split(",")[1])
        return f"{value:.{decimals}f}".replace(".", ",")
    n = int(round(value))
    if "." in template:
        return f"{n:,}".replace(",", ".")
    text = str(n)
    return text.zfill(len(template)) if template.startswith("0") else text


def parse_number(text: str) -> float:
    if "," in text and not re.search(r",\d{3}\b", text):
        return float(text.replace(".", "").replace(",", "."))
    return float(text.replace(".", "").replace(",", ""))


def other_values(text: str, unit: str, rng: random.Random, count: int) -> list[str]:
    value = parse_number(text)
    factors = [2, 0.5, 3, 1.5, 4, 0.25, 5, 10]
    if unit in ("%", "phần trăm") and value <= 100:
        pool = [value + d for d in (-20, -10, -5, -2, -1, 1, 2, 5, 10, 20)] + [value * f for f in (2, 0.5)]
    elif value == 0:
        pool = [1, 2, 3, 5]
    else:
        pool = [value * f for f in factors]
    out = []
    for v in rng.sample(pool, len(pool)):
        if v <= 0 or (unit in ("%", "phần trăm") and v > 100):
            continue
        written = fmt_like(text, v)
        if parse_number(written) != value and written not in out:
            out.append(written)
        if len(out) == count:
            break
    return out


def unit_gap(unit: str) -> str:
    return "" if unit == "%" else " "


def numbers_in(sentence: str) -> list[re.Match[str]]:
    masked = DATE.sub(lambda m: "#" * len(m.group(0)), sentence)
    return [m for m in NUMBER.finditer(masked) if not LOCATOR_BEFORE.search(masked[: m.start()])]


def alter_number(sentence: str, rng: random.Random, count: int = 1) -> list[tuple[str, str, str]]:
    """(altered sentence, old value, new value) with one number of one unit changed."""
    found = numbers_in(sentence)
    if not found:
        return []
    m = rng.choice(found)
    out = []
    for new in other_values(m.group("n"), m.group("unit"), rng, count):
        written = f"{new}{unit_gap(m.group('unit'))}{m.group('unit')}"
        out.append((sentence[: m.start()] + written + sentence[m.end() :], m.group(0), written))
    return out


def alter_date(sentence: str, rng: random.Random) -> list[tuple[str, str, str]]:
    m = next(DATE.finditer(sentence), None)
    if not m:
        return []
    if m.group(1):
        d, mo, y = (int(m.group(i)) for i in (1, 2, 3))
    else:
        d, mo, y = (int(m.group(i)) for i in (4, 5, 6))
    change = rng.choice(["month", "year", "day"])
    if change == "month":
        mo = mo % 12 + rng.choice([1, 3, 5])
        mo = (mo - 1) % 12 + 1
    elif change == "year":
        y += rng.choice([-1, 1])
    else:
        d = d + 10 if d <= 18 else d - 10
    new = f"ngày {d:02d} tháng {mo:02d} năm {y}" if m.group(1) else f"{d:02d}/{mo:02d}/{y}"
    return [(sentence[: m.start()] + new + sentence[m.end() :], m.group(0), new)]


def alter_actor(
    sentence: str, actors: list[str], rng: random.Random, count: int = 1
) -> list[tuple[str, str, str]]:
    found = list(ACTOR.finditer(sentence))
    if not found:
        return []
    m = rng.choice(found)
    old = m.group(0)
    # Prefer an actor of the same family: "Bộ X" for "Bộ Y", a person's title for a person's title.
    head = old.split()[0]
    others = [
        a for a in actors if fold(a) != fold(old) and fold(a) not in fold(old) and fold(old) not in fold(a)
    ]
    same = [a for a in others if a.split()[0] == head]
    pool = same + [a for a in others if a not in same]
    out = []
    for new in pool[: max(count * 2, 4)]:
        if len(out) == count:
            break
        if old[0].isupper() and not new[0].isupper():
            new = new[0].upper() + new[1:]
        out.append((sentence[: m.start()] + new + sentence[m.end() :], old, new))
    return out


def alter_negation(sentence: str) -> list[tuple[str, str, str]]:
    m = NEGATED.search(sentence)
    if m:
        return [(sentence[: m.start()] + sentence[m.end() :], m.group(0).strip(), "")]
    m = NEGATABLE.search(sentence)
    if m and m.start() > 0:
        return [(sentence[: m.start()] + "không " + sentence[m.start() :], "", "không")]
    return []


def alter_verb(sentence: str, rng: random.Random) -> list[tuple[str, str, str]]:
    found = [
        m for v in VERBS for m in re.finditer(rf"(?<!\w){re.escape(v)}(?!\w)", sentence) if m.start() > 0
    ]
    if not found:
        return []
    m = rng.choice(found)
    new = rng.choice([v for v in VERBS if v != m.group(0) and v not in m.group(0) and m.group(0) not in v])
    return [(sentence[: m.start()] + new + sentence[m.end() :], m.group(0), new)]


def alter_condition(sentence: str) -> list[tuple[str, str, str]]:
    for a, b in OPPOSITES:
        for old, new in ((a, b), (b, a)):
            m = re.search(rf"(?<!\w){re.escape(old)}(?!\w)", sentence)
            if m and not (old == "dưới" and "trên" in sentence):
                return [(sentence[: m.start()] + new + sentence[m.end() :], old, new)]
    return []


def vary(statement: str, rng: random.Random, keep: int) -> str:
    """The wording a person gives a statement: cut after a clause boundary past the changed fact
    (`keep`: characters that must stay), a parenthesis dropped, or typed without diacritics."""
    if rng.random() < 0.3:
        cuts = [m.start() for m in re.finditer(r"[,;] ", statement) if m.start() >= keep]
        cuts = [c for c in cuts if len(statement[:c].split()) >= 8]
        if cuts:
            statement = statement[: rng.choice(cuts)]
    if rng.random() < 0.2 and not keep:  # (an altered one may have its change in brackets)
        statement = re.sub(r"\s*\([^()]*\)", "", statement)
    if rng.random() < 0.2:
        out = unicodedata.normalize("NFD", statement).replace("đ", "d").replace("Đ", "D")
        statement = "".join(c for c in out if unicodedata.category(c) != "Mn")
    return statement


def changed_until(sentence: str, altered: str) -> int:
    """Where the altered sentence stops differing from the sentence (a cut must keep the change)."""
    tail = 0
    while tail < min(len(sentence), len(altered)) and sentence[-1 - tail] == altered[-1 - tail]:
        tail += 1
    return len(altered) - tail


def frame(statement: str, rng: random.Random, label: str) -> str:
    if rng.random() < 0.3:
        statement = f"Theo {label}, {statement[0].lower()}{statement[1:]}"
    return rng.choice(FRAMES).format(s=statement)


def letters(options: list[str]) -> str:
    return "\n".join(f"{'ABCD'[i]}. {o}" for i, o in enumerate(options))


def choice_slot(sentence: str, actors: list[str], rng: random.Random, label: str) -> tuple[str, str] | None:
    """The sentence with a number (or an actor) asked, the true value and three others as choices."""
    found = numbers_in(sentence)
    if found:
        m = rng.choice(found)
        gap = unit_gap(m.group("unit"))
        right = f"{m.group('n')}{gap}{m.group('unit')}"
        wrong = [f"{v}{gap}{m.group('unit')}" for v in other_values(m.group("n"), m.group("unit"), rng, 3)]
        ask = f"bao nhiêu {m.group('unit')}"
    else:
        hits = [m for m in ACTOR.finditer(sentence) if m.start() > 0]
        if not hits:
            return None
        m = hits[0]
        right = m.group(0)
        wrong = [a for a in actors if fold(a) not in fold(right) and fold(right) not in fold(a)][:8]
        rng.shuffle(wrong)
        wrong = wrong[:3]
        ask = "chủ thể nào"
    if len(wrong) < 3:
        return None
    options = [right, *wrong]
    rng.shuffle(options)
    stem = sentence[: m.start()] + ask + sentence[m.end() :]
    question = f"Theo {label}, {stem[0].lower()}{stem[1:]}?\n{letters(options)}"
    return question, "ABCD"[options.index(right)]


def alterations(
    sentence: str, actors: list[str], rng: random.Random
) -> dict[str, list[tuple[str, str, str]]]:
    return {
        "number": alter_number(sentence, rng),
        "date": alter_date(sentence, rng),
        "actor": alter_actor(sentence, actors, rng),
        "negation": alter_negation(sentence),
        "condition": alter_condition(sentence),
        "verb": alter_verb(sentence, rng),
    }


def generate(documents: list[tuple[str, str, str]]) -> list[dict]:
    return [item for path, label, half in documents for item in generate_document(path, label, half)]


def generate_document(path: str, label: str, half: str) -> list[dict]:
    items: list[dict] = []
    text = nfc((ROOT / path).read_text(encoding="utf-8"))
    folded_doc = fold(text)
    doc = Path(path).name
    rng = random.Random(doc)
    sents = sentences(text)
    actors = sorted({m.group(0) for m in ACTOR.finditer(text)}, key=lambda a: (-len(a), a))
    counts: dict[str, int] = {}
    order = sents[:]
    rng.shuffle(order)

    def add(kind: str, question: str, expected: str, sentence: str, change: str = "") -> None:
        counts[kind] = counts.get(kind, 0) + 1
        items.append(
            {
                "id": f"{doc[:2]}-{half}-{kind}-{counts[kind]:02d}",
                "doc": doc,
                "half": half,
                "kind": kind,
                "question": question,
                "expected": expected,
                "sentence": sentence,
                "change": change,
            }
        )

    def truly_false(altered: str) -> bool:
        """The altered statement is nowhere in the document (another clause may say it)."""
        return fold(altered) not in folded_doc

    choices = 0
    for sentence in order:
        alts = alterations(sentence, actors, rng)
        for kind, found in alts.items():
            if counts.get(kind, 0) >= PER_KIND or not found:
                continue
            altered, old, new = found[0]
            if truly_false(altered):
                statement = vary(altered, rng, changed_until(sentence, altered))
                add(kind, frame(statement, rng, label), "false", sentence, f"{old} -> {new}")
        if counts.get("original", 0) < PER_KIND + 3 and any(alts.values()):
            add("original", frame(vary(sentence, rng, 0), rng, label), "true", sentence)
        if choices >= CHOICES_PER_DOC:
            continue
        # Four statements, one the clause's own.
        wrong = [a for found in alts.values() for a, _, _ in found if truly_false(a)]
        more = alter_number(sentence, rng, 3) + alter_actor(sentence, actors, rng, 3)
        wrong += [a for a, _, _ in more if truly_false(a) and a not in wrong]
        if len(wrong) >= 3 and counts.get("choice_statement", 0) < CHOICES_PER_DOC // 2:
            options = [sentence, *rng.sample(wrong, 3)]
            rng.shuffle(options)
            question = f"Theo {label}, phát biểu nào sau đây đúng?\n{letters(options)}"
            add("choice_statement", question, "ABCD"[options.index(sentence)], sentence)
            choices += 1
            continue
        slot = choice_slot(sentence, actors, rng, label)
        if slot and counts.get("choice_slot", 0) < CHOICES_PER_DOC // 2:
            add("choice_slot", slot[0], slot[1], sentence)
            choices += 1
    # A value asked with bare numbers as choices ("… bao nhiêu ngày? A. 15 B. 30 …"): the choices
    # as people write them, the unit left to the stem (its own random stream: the items above stay).
    values = random.Random(f"{doc}-values")
    asked = 0
    for sentence in order:
        if asked >= VALUES_PER_DOC:
            break
        found = numbers_in(sentence)
        if not found:
            continue
        m = values.choice(found)
        wrong = other_values(m.group("n"), m.group("unit"), values, 3)
        if len(wrong) < 3:
            continue
        options = [m.group("n"), *wrong]
        values.shuffle(options)
        stem = sentence[: m.start()] + f"bao nhiêu {m.group('unit')}" + sentence[m.end() :]
        question = f"Theo {label}, {stem[0].lower()}{stem[1:]}?\n{letters(options)}"
        add("choice_value", question, "ABCD"[options.index(m.group("n"))], sentence)
        asked += 1
    # The same statements in another order, as people retell a clause ("A, B" said "B, A"): the
    # sentence itself (true) and it negated (false); the alignment reads them in their order.
    turns = random.Random(f"{doc}-reordered")
    made = {"true": 0, "false": 0}
    for sentence in order:
        parts = [p.strip() for p in sentence.split(", ")]
        if len(parts) < 2 or len(parts[0].split()) < 3 or len(parts[-1].split()) < 3:
            continue
        cut = turns.randrange(1, len(parts))
        turned = ", ".join(parts[cut:] + parts[:cut])
        turned = turned[0].upper() + turned[1:]
        if made["true"] < REORDERED_PER_DOC:
            add("reordered", frame(turned, turns, label), "true", sentence)
            made["true"] += 1
        negated = alter_negation(turned)
        if negated and made["false"] < REORDERED_PER_DOC and truly_false(negated[0][0]):
            add("reordered_negation", frame(negated[0][0], turns, label), "false", sentence, "negation")
            made["false"] += 1
    # "Which is false": three clause sentences of the document and one altered.
    for _ in range(2 if len(order) >= 4 else 0):
        picks = rng.sample(order, 4)
        bad = next((alts for alts in (alterations(picks[0], actors, rng),) if any(alts.values())), None)
        if not bad:
            continue
        altered = next((a for found in bad.values() for a, _, _ in found if truly_false(a)), None)
        if altered is None:
            continue
        options = [altered, *picks[1:]]
        rng.shuffle(options)
        question = f"Theo {label}, phát biểu nào sau đây sai?\n{letters(options)}"
        add("choice_false", question, "ABCD"[options.index(altered)], picks[0])
    return items


def main() -> None:
    other = "--other" in sys.argv[1:]
    items = generate(OTHER_DOCUMENTS if other else DOCUMENTS)
    with (OTHER_OUT if other else OUT).open("w", encoding="utf-8") as f:
        for item in items:
            f.write(json.dumps(item, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = {}
    for item in items:
        kinds[item["kind"]] = kinds.get(item["kind"], 0) + 1
    print(len(items), "items", kinds, file=sys.stderr)


if __name__ == "__main__":
    main()
