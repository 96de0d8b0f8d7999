"""Altered-fact harness for verdicts: statements made from the clauses of the laws, decrees,
resolutions and circulars of an index, each either a sentence of a clause (true) or that
sentence with one fact altered (false): a number with its unit, an actor swapped for another
actor of the same document, a condition changed (its bound, order or exception turned, or the
condition negated), a negation added or removed; and a sentence retold with its halves swapped
at a comma ("A, B" -> "B, A"), as it is (true) or with one of those facts altered (false); and a
case a clause tells with the consequence it gives in the next sentence ("Nếu <case> thì <consequence>"),
as told (true) or negated (false). Each is asked as a yes/no question through the
product (`Assistant.ask`), and the verdicts are counted right, withheld or wrong.

    python -m tools.verdict_alterations --index kinds=/tmp/pq/int4-idx/kinds \
        --index provinces=/tmp/pq/int4-idx/provinces --out /tmp/alterations.jsonl

The target (issue 19): right or withheld, never wrong, for at least 95% of the statements.
`cases()` is pure (clauses in, cases out) so tests can make cases from synthetic clauses.
Outside the product: nothing in rag/, index/, api/ or eval/ imports it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

# Documents whose clauses state rules: what the verdicts must judge plainly.
RULE_TYPES = ("Luật", "Nghị định", "Nghị quyết", "Thông tư")
RULE_NUMBER = re.compile(r"/(?:VBHN|NĐ|TT|QH|NQ)", re.I)  # a consolidated text keeps its type's code
BODY_KINDS = ("item", "paragraph")  # not headings, header blocks or signatures
PREAMBLE = re.compile(r"\s*(?:Căn cứ|Theo đề nghị|Xét|Nơi nhận)\b")
PER_KIND = 6  # cases of each kind per document, at most

UNITS = (
    r"ngày làm việc|ngày công|ngày|tháng|năm|giờ|tuổi|lần|triệu đồng|tỷ đồng|đồng|%|người|phút|tuần"
    r"|lượt|xã|phường|ha|km|km2|m2|điểm|bậc|lần|mức"
)
NUMBER = re.compile(rf"(?<![\w/.,])(?P<n>\d+(?:[.,]\d+)*)\s*(?P<unit>{UNITS})(?!\w)")
LOCATOR_BEFORE = re.compile(r"(?:Điều|khoản|điểm|số|Số|mục|Mục|Chương|năm|ngày|tháng|Phụ lục)\s*$", re.I)
# Bodies and roles rules name (an actor is swapped for another one the same document names).
ACTORS = (
    "Quốc hội",
    "Ủy ban Thường vụ Quốc hội",
    "Chính phủ",
    "Thủ tướng Chính phủ",
    "Chủ tịch nước",
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
    "Bộ Nông nghiệp và Môi trường",
    "Bộ Văn hóa, Thể thao và Du lịch",
    "Ngân hàng Nhà nước Việt Nam",
    "Ngân hàng Chính sách xã hội",
    "Bảo hiểm xã hội Việt Nam",
    "Ủy ban nhân dân cấp tỉnh",
    "Ủy ban nhân dân cấp xã",
    "Hội đồng nhân dân cấp tỉnh",
    "Hội đồng nhân dân cấp xã",
    "Chủ tịch Ủy ban nhân dân cấp tỉnh",
    "Chủ tịch Ủy ban nhân dân cấp xã",
    "Ủy ban nhân dân thành phố",
    "Hội đồng nhân dân thành phố",
    "Sở Y tế",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Xây dựng",
    "Sở Giáo dục và Đào tạo",
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
    "tổ chức tín dụng",
    "doanh nghiệp",
    "cơ quan thuế",
    "Tòa án",
    "Viện kiểm sát",
    "Kiểm toán nhà nước",
    "Thanh tra Chính phủ",
    "tổ chức mua bán, xử lý nợ",
    "cơ quan quản lý cán bộ, công chức",
    "cơ quan sử dụng cán bộ, công chức",
    "Ủy ban Mặt trận Tổ quốc Việt Nam",
    "Bộ Chính trị",
    "Ban Bí thư",
)
ACTOR = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(a) for a in sorted(ACTORS, key=len, reverse=True)) + r")(?!\w)"
)
MODAL = re.compile(r"(?<!\w)(được|phải|có|bị|thuộc|áp dụng)(?!\w)")
NEGATED = re.compile(
    r"(?<!\w)(không|chưa) (?=(?:được|phải|có|bị|thuộc|áp dụng|tính|bao gồm|cần|thực hiện)\b)"
)
OPPOSITES = (
    ("tối đa", "tối thiểu"),
    ("trở lên", "trở xuống"),
    ("không quá", "không dưới"),
    ("ít nhất", "nhiều nhất"),
    ("trước khi", "sau khi"),
    ("trừ trường hợp", "kể cả trường hợp"),
    ("cao hơn", "thấp hơn"),
    ("chậm nhất", "sớm nhất"),
    ("đủ điều kiện", "không đủ điều kiện"),
    ("vượt quá", "chưa đến"),
)
# A condition the statement keeps but negates: "nếu/khi/trường hợp <có|được|…>".
CONDITION = re.compile(
    r"(?<!\w)((?:[Nn]ếu|[Kk]hi|[Tt]rường hợp)(?: [\wÀ-ỹ]+){0,6}? )(có|được|đã|đủ|thuộc)(?!\w)"
)
TRAILING_CONDITION = re.compile(r",\s+((?:nếu|khi|trong trường hợp|trường hợp)\s[^,]{8,})$")
FRAMES = (
    "{s}, đúng hay sai?",
    "{s}, đúng không?",
    "Nhận định sau đúng hay sai: {s}",
    "{s}. Điều này đúng không?",
    "Có phải {low} không?",
)


@dataclass(frozen=True)
class Case:
    doc: str  # the document's source
    half: int  # the document's half (its place among the documents, mod 2)
    kind: str  # original, number, actor, condition, negation, swapped, swapped_altered, consequence(_negated)
    statement: str
    question: str
    expected: str  # "true" | "false"
    sentence: str  # the clause sentence it was made from
    clause_id: str
    change: str = ""


def fold(text: str) -> str:
    out = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    return " ".join("".join(c for c in out if unicodedata.category(c) != "Mn").split())


def sentences(text: str) -> list[str]:
    """A clause's sentences a person could retell: 10-40 words, no list intro, no table row."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    text = unicodedata.normalize("NFC", re.sub(r"^(?:\d+(?:\.\d+)*\.|[a-zđ]\)|[-+•])\s*", "", text.strip()))
    out = []
    for part in re.split(r"(?<=[.;])\s+(?=[A-ZĐÂĂÊÔƠƯ])|;\s+", text):
        part = part.strip().rstrip(".;,")
        n = len(part.split())
        if (
            10 <= n <= 40
            and part[:1].isupper()
            and not part.endswith(":")
            and "|" not in part
            and '"' not in part
        ):
            out.append(part)
    return out


def _written_like(template: str, value: float) -> str:
    if "," in template and not re.search(r",\d{3}\b", template):
        return f"{value:.{len(template.split(',')[1])}f}".replace(".", ",")
    n = int(round(value))
    if "." in template:
        return f"{n:,}".replace(",", ".")
    return str(n).zfill(len(template)) if template.startswith("0") else str(n)


def _value(text: str) -> float:
    if "," in text and not re.search(r",\d{3}\b", text):
        return float(text.replace(".", "").replace(",", "."))
    return float(text.replace(".", "").replace(",", ""))


def alter_number(sentence: str, rng: random.Random) -> tuple[str, str] | None:
    found = [m for m in NUMBER.finditer(sentence) if not LOCATOR_BEFORE.search(sentence[: m.start()])]
    if not found:
        return None
    m = rng.choice(found)
    value = _value(m.group("n"))
    pool = [value * f for f in (2, 3, 0.5, 1.5)] if value else [1.0, 2.0]
    if m.group("unit") == "%":
        pool = [v for v in [value + 5, value - 5, value + 10] if 0 < v <= 100]
    for new in pool:
        written = _written_like(m.group("n"), new)
        if _value(written) != value and _value(written) > 0:
            gap = "" if m.group("unit") == "%" else " "
            return sentence[: m.start()] + f"{written}{gap}{m.group('unit')}" + sentence[m.end() :], (
                f"{m.group(0)} -> {written}{gap}{m.group('unit')}"
            )
    return None


def alter_actor(sentence: str, actors: Sequence[str], rng: random.Random) -> tuple[str, str] | None:
    found = actor_spans(sentence)
    if not found:
        return None
    start, end = rng.choice(found)
    old = sentence[start:end]
    others = [a for a in actors if fold(a) not in fold(old) and fold(old) not in fold(a)]
    same = [a for a in others if a.split()[0] == old.split()[0]]  # "Bộ X" for "Bộ Y"
    pool = same or others
    if not pool:
        return None
    new = rng.choice(pool)
    if old[0].isupper() and not new[0].isupper():
        new = new[0].upper() + new[1:]
    return sentence[:start] + new + sentence[end:], f"{old} -> {new}"


def alter_negation(sentence: str) -> tuple[str, str] | None:
    m = NEGATED.search(sentence)
    if m:
        return sentence[: m.start()] + sentence[m.end() :], f"{m.group(1)} -> (bỏ)"
    m = MODAL.search(sentence)
    if m and m.start() > 0:
        return sentence[: m.start()] + "không " + sentence[m.start() :], "-> không"
    return None


def alter_condition(sentence: str) -> tuple[str, str] | None:
    """A bound, an order or an exception turned ("tối đa" -> "tối thiểu"), else a condition negated."""
    for a, b in OPPOSITES:
        for old, new in ((a, b), (b, a)):
            m = re.search(rf"(?<!\w){re.escape(old)}(?!\w)", sentence)
            if m:
                return sentence[: m.start()] + new + sentence[m.end() :], f"{old} -> {new}"
    m = CONDITION.search(sentence)
    if m and not re.search(r"(?<!\w)(?:không|chưa)\s*$", m.group(1)):
        return sentence[: m.start(2)] + "không " + sentence[
            m.start(2) :
        ], f"{m.group(1)}{m.group(2)} -> không"
    return None


def swap_halves(sentence: str, rng: random.Random) -> str | None:
    """The sentence cut at one of its commas and its halves swapped ("A, B" -> "B, A"), as a
    person retells a provision in another order; None when no cut leaves 3 words on each side."""
    cuts = [
        m
        for m in re.finditer(r",\s+", sentence)
        if len(sentence[: m.start()].split()) >= 3 and len(sentence[m.end() :].split()) >= 3
    ]
    if not cuts:
        return None
    m = rng.choice(cuts)
    right = sentence[m.end() :].rstrip(" .;")
    return f"{right[0].upper()}{right[1:]}, {sentence[: m.start()]}"


_POINTING = re.compile(
    r"^(?:Trong trường hợp (?:này|đó)|Trường hợp (?:này|đó)|Khi đó|Như vậy|Do đó|Vì vậy)\s*,?\s*", re.I
)


def told_consequences(text: str) -> list[tuple[str, str]]:
    """(case, consequence) of a clause that tells a case and then its consequence in a sentence
    pointing back at it ("… cuốn mái nhà của A … . Trường hợp này … nên A không phải …")."""
    told = [
        s.strip() for s in re.split(r"(?<=[.;])\s+", " ".join(unicodedata.normalize("NFC", text).split()))
    ]
    out = []
    for before, after in zip(told, told[1:], strict=False):
        m = _POINTING.match(after)
        case = re.sub(r"^(?:Ví dụ(?: \d+)?:|[a-zđ]\)|\d+\.)\s*", "", before).rstrip(" .;")
        if m and len(case.split()) >= 6 and len(after[m.end() :].split()) >= 3:
            out.append((case[0].lower() + case[1:], after[m.end() :].rstrip(" .;")))
    return out


def actor_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in ACTOR.finditer(text)]


def retold(statement: str, rng: random.Random) -> str:
    """How a person retells a clause: a trailing condition put first ("X, nếu Y" -> "Nếu Y thì X"),
    or the text typed without diacritics; else as written."""
    m = TRAILING_CONDITION.search(statement)
    if m and rng.random() < 0.7:
        head, cond = statement[: m.start()].strip(), m.group(1)
        return f"{cond[0].upper()}{cond[1:]} thì {head[0].lower()}{head[1:]}"
    if rng.random() < 0.15:
        out = unicodedata.normalize("NFD", statement).replace("đ", "d").replace("Đ", "D")
        return "".join(c for c in out if unicodedata.category(c) != "Mn")
    return statement


def actors_of(texts: Iterable[str]) -> list[str]:
    found = {t[a:b] for t in texts for a, b in actor_spans(t)}
    return sorted(found, key=lambda a: (-len(a), a))


def cases(
    doc: str,
    label: str,
    half: int,
    clauses: Sequence[tuple[str, str]],
    seed: str = "",
    per_kind: int = PER_KIND,
) -> list[Case]:
    """True and altered statements from one document's clauses ((clause id, text) in order);
    an altered statement only when no clause of the document says it."""
    rng = random.Random(seed or doc)
    swaps = random.Random(f"{seed or doc}/swapped")  # its own draws: the other kinds' cases stay as they were
    whole = fold(" ".join(text for _, text in clauses))
    actors = actors_of(text for _, text in clauses)
    pool = [(cid, s) for cid, text in clauses for s in sentences(text)]
    rng.shuffle(pool)
    out: list[Case] = []
    counts: dict[str, int] = defaultdict(int)

    def add(
        kind: str,
        statement: str,
        expected: str,
        cid: str,
        sentence: str,
        change: str = "",
        draw: random.Random = rng,
    ) -> None:
        statement = retold(statement, draw)
        framed = f"Theo {label}, {statement[0].lower()}{statement[1:]}" if draw.random() < 0.5 else statement
        question = draw.choice(FRAMES).format(s=framed, low=framed[0].lower() + framed[1:])
        out.append(Case(doc, half, kind, statement, question, expected, sentence, cid, change))
        counts[kind] += 1

    for cid, sentence in pool:
        made = {
            "number": alter_number(sentence, rng),
            "actor": alter_actor(sentence, actors, rng),
            "condition": alter_condition(sentence),
            "negation": alter_negation(sentence),
        }
        for kind, found in made.items():
            if found and counts[kind] < per_kind and fold(found[0]) not in whole:
                add(kind, found[0], "false", cid, sentence, found[1])
        if any(made.values()) and counts["original"] < per_kind:
            add("original", sentence, "true", cid, sentence)
        # The same, retold with its halves swapped: true as it is, false with one fact altered.
        swapped = swap_halves(sentence, swaps)
        if swapped and counts["swapped"] < per_kind:
            add("swapped", swapped, "true", cid, sentence, "halves swapped", swaps)
        altered = [(k, f) for k, f in made.items() if f and fold(f[0]) not in whole]
        if altered and counts["swapped_altered"] < per_kind:
            kind, (statement, change) = swaps.choice(altered)
            turned = swap_halves(statement, swaps)
            if turned:
                add(
                    "swapped_altered",
                    turned,
                    "false",
                    cid,
                    sentence,
                    f"{kind}: {change}; halves swapped",
                    swaps,
                )
    # A case a clause tells and its consequence: "Nếu <case> thì <consequence>", as told (true)
    # or its negation turned (false).
    for cid, text in clauses:
        for case, consequence in told_consequences(text):
            if counts["consequence"] < per_kind:
                add("consequence", f"Nếu {case} thì {consequence}", "true", cid, text, "", swaps)
            turned = alter_negation(consequence)
            if turned and counts["consequence_negated"] < per_kind:
                add(
                    "consequence_negated", f"Nếu {case} thì {turned[0]}", "false", cid, text, turned[1], swaps
                )
    return out


# --- asking through the product ------------------------------------------------------------


def verdict_of(answer: str, abstained: bool) -> str | None:
    if abstained:
        return None
    m = re.match(r"^(Đúng|Có|Sai|Không)\.", answer)
    if not m:
        return None
    return "true" if m.group(1) in ("Đúng", "Có") else "false"


def is_rule(meta: object) -> bool:
    doc_type = getattr(meta, "doc_type", "")
    return doc_type in RULE_TYPES or bool(RULE_NUMBER.search(getattr(meta, "number", "")))


def ask_all(
    indexes: Sequence[Path], limit: int | None = None, seed: str = "", per_kind: int = PER_KIND
) -> list[dict]:
    from rag.pipeline import Assistant

    rows = []
    for index in indexes:
        assistant = Assistant.open(index)
        docs = sorted((d for d in assistant.store.documents() if is_rule(d.meta)), key=lambda d: d.source)
        for place, d in enumerate(docs):
            clauses = [
                (c.id, c.text)
                for c in assistant.store.document_clauses(d.id)
                if c.kind in BODY_KINDS and not PREAMBLE.match(c.text)
            ]
            label = f"{d.meta.doc_type} {d.meta.number}".strip()
            made = cases(d.source, label, place % 2, clauses, f"{seed}{d.source}", per_kind)
            for case in made[:limit]:
                answer = assistant.ask(case.question)
                got = verdict_of(answer.answer, answer.abstained)
                cited = [c.clause_id for c in answer.citations]
                rows.append(
                    asdict(case)
                    | {
                        "index": index.name,
                        "got": got,
                        "answer": answer.answer[:300],
                        "cited_source": case.clause_id in cited[:1],
                    }
                )
    return rows


def table(rows: Sequence[dict]) -> str:
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        for key in (
            (f"half {r['half']}", r["kind"]),
            (f"half {r['half']}", "ALL"),
            ("both", r["kind"]),
            ("both", "ALL"),
        ):
            groups[key].append(r)
    lines = [
        "| half | kind | n | right | withheld | wrong | right or withheld | coverage | precision"
        " | source clause cited |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in sorted(groups, key=lambda k: (k[0], k[1] == "ALL", k[1])):
        g = groups[key]
        right = sum(r["got"] == r["expected"] for r in g)
        held = sum(r["got"] is None for r in g)
        wrong = len(g) - right - held
        cited = sum(bool(r.get("cited_source")) for r in g)
        lines.append(
            f"| {key[0]} | {key[1]} | {len(g)} | {right / len(g):.3f} | {held / len(g):.3f} | {wrong / len(g):.3f}"
            f" | {(right + held) / len(g):.3f} | {(len(g) - held) / len(g):.3f}"
            f" | {right / (len(g) - held) if len(g) > held else 0:.3f} | {cited / len(g):.3f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", action="append", required=True, help="index directory (repeat)")
    parser.add_argument("--out", type=Path, help="write every case with its answer (jsonl)")
    parser.add_argument("--limit", type=int, help="cases per document, at most")
    parser.add_argument("--replay", type=Path, help="a --out file: print its table only")
    parser.add_argument("--seed", default="", help="another draw of sentences and alterations")
    parser.add_argument("--per-kind", type=int, default=PER_KIND, help="cases of each kind per document")
    args = parser.parse_args(argv)
    if args.replay:
        rows = [json.loads(line) for line in args.replay.read_text(encoding="utf-8").splitlines()]
    else:
        rows = ask_all([Path(p.rpartition("=")[2]) for p in args.index], args.limit, args.seed, args.per_kind)
    if args.out and not args.replay:
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(table(rows))


if __name__ == "__main__":
    sys.exit(main())
