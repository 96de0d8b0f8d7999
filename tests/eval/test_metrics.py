import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eval.gold import GoldItem
from eval.metrics import answer_correct, citation_rank, normalize, score
from eval.predictions import PredictedCitation, Prediction
from rag.errors import PolicyQAError


def gold(
    item_id: str = "q1",
    keys: list[list[str]] | None = None,
    sources: list[str] | None = None,
    evidence: list[str] | None = None,
    abstain: bool = False,
    type_: str = "lead_unit",
) -> GoldItem:
    if abstain:
        return GoldItem(item_id, "?", [], [], [], True, type_)
    return GoldItem(
        id=item_id,
        question="Đơn vị nào thực hiện?",
        keys=keys if keys is not None else [["Sở Khoa học và Công nghệ"]],
        sources=sources if sources is not None else ["003.txt"],
        evidence=evidence if evidence is not None else ["Đơn vị thực hiện: Sở Khoa học và Công nghệ"],
        abstain=False,
        type=type_,
    )


def cite(text: str, source: str = "003.txt") -> PredictedCitation:
    return PredictedCitation(source=source, locator="II.4", text=text, score=0.5)


def pred(
    answer: str = "",
    abstained: bool = False,
    citations: list[PredictedCitation] | None = None,
    item_id: str = "q1",
    latency: float = 10.0,
) -> Prediction:
    return Prediction(item_id, "?", answer, abstained, citations or [], latency)


FILLER = cite("Thời gian thực hiện: Thường xuyên")
GOOD_CITE = cite("4. Tăng cường truyền thông. Đơn vị thực hiện: Sở Khoa học và Công nghệ.")


def test_normalize_contract_form() -> None:
    assert normalize("  Sở   KHOA\thọc\nĐỀ tài ") == "so khoa hoc de tai"
    decomposed = unicodedata.normalize("NFD", "Nghị quyết")
    assert normalize(decomposed) == normalize("Nghị quyết") == "nghi quyet"


def test_correct_and_wrong_answers() -> None:
    item = gold()
    assert answer_correct(item, pred("Đơn vị thực hiện: Sở Khoa học và Công nghệ."))
    assert not answer_correct(item, pred("Sở Văn hóa, Thể thao và Du lịch."))


def test_every_key_group_needs_one_alternative() -> None:
    item = gold(keys=[["16 tháng 6 năm 2025", "16/6/2025"], ["1169"]])
    assert answer_correct(item, pred("Quyết định 1169/QĐ-TTg ngày 16/6/2025"))
    assert not answer_correct(item, pred("Quyết định ngày 16/6/2025"))


def test_abstained_answer_is_never_correct() -> None:
    item = gold()
    assert not answer_correct(item, pred("Sở Khoa học và Công nghệ", abstained=True))


def test_diacritics_and_whitespace_variants_match() -> None:
    item = gold(keys=[["Sở Khoa học và Công nghệ"]])
    assert answer_correct(item, pred("so  khoa\nhoc va CONG nghe"))
    assert answer_correct(item, pred(unicodedata.normalize("NFD", "Sở Khoa học và Công nghệ")))
    # Answer matching collapses whitespace but does not remove it.
    assert not answer_correct(item, pred("SởKhoa học và Công nghệ"))


def test_d_stroke_folds_to_d() -> None:
    item = gold(keys=[["đề tài"]])
    assert answer_correct(item, pred("02 DE TAI"))
    assert answer_correct(item, pred("02 Đề Tài"))
    assert not answer_correct(item, pred("02 e tai"))  # đ becomes d, it is not dropped


def test_600_character_window() -> None:
    item = gold(keys=[["Kon Tum"]])
    inside = "x" * (600 - len("Kon Tum")) + "Kon Tum"
    outside = "x" * (601 - len("Kon Tum")) + "Kon Tum"
    assert answer_correct(item, pred(inside))
    assert not answer_correct(item, pred(outside))


def test_600_character_window_counts_composed_characters() -> None:
    # 300 "ế" are 300 characters as read, 900 code points when decomposed.
    item = gold(keys=[["Kon Tum"]])
    text = unicodedata.normalize("NFD", "ế" * 300 + " Kon Tum")
    assert answer_correct(item, pred(text))


def test_citation_rank_three_counts() -> None:
    item = gold()
    p = pred("Sở Khoa học và Công nghệ", citations=[FILLER, FILLER, GOOD_CITE, FILLER])
    assert citation_rank(item, p) == 3
    report = score([item], [p])
    assert report.overall.cite_acc == 1.0
    assert report.overall.mrr == pytest.approx(1 / 3)
    assert report.overall.overall == 1.0


def test_citation_rank_six_not_counted() -> None:
    item = gold()
    p = pred("Sở Khoa học và Công nghệ", citations=[FILLER] * 5 + [GOOD_CITE])
    assert citation_rank(item, p) is None
    report = score([item], [p])
    assert report.overall.cite_acc == 0.0
    assert report.overall.mrr == 0.0
    assert report.items[0].failed == ["citation"]


def test_citation_needs_gold_source() -> None:
    item = gold()
    wrong_source = cite(GOOD_CITE.text, source="001.txt")
    assert citation_rank(item, pred(citations=[wrong_source])) is None


def test_evidence_ignores_whitespace_and_diacritics() -> None:
    item = gold(evidence=["Xay dung ké hoach truyén thong"])
    assert citation_rank(item, pred(citations=[cite("1. Xây   dựng kế hoạch\ntruyền thông năm 2025")])) == 1
    item = gold(evidence=["Đơn vị thực hiện: Sở"])
    assert citation_rank(item, pred(citations=[cite("Đơn vịthực hiện:Sở Khoa học")])) == 1


def test_abstention_right_and_wrong() -> None:
    items = [gold("a1", abstain=True, type_="abstain"), gold("a2", abstain=True, type_="abstain")]
    preds = [pred("Không tìm thấy", True, item_id="a1"), pred("Sở Khoa học", False, item_id="a2")]
    report = score(items, preds)
    assert report.overall.abstain_recall == 0.5
    assert report.overall.overall == 0.5
    assert report.overall.answer_acc is None and report.overall.false_abstain is None
    assert [r.failed for r in report.items] == [[], ["abstain"]]


def test_false_abstain_on_answerable_item() -> None:
    report = score([gold()], [pred("Không tìm thấy trong tài liệu", True, [GOOD_CITE])])
    m = report.overall
    assert (m.false_abstain, m.answer_acc, m.overall) == (1.0, 0.0, 0.0)
    assert report.items[0].failed == ["abstain", "answer"]


def test_per_type_breakdown_and_latency() -> None:
    items = [
        gold("l1", type_="lead_unit"),
        gold("l2", type_="lead_unit"),
        gold("n1", keys=[["64"]], evidence=["tiếp nhận 64 phiếu"], type_="number"),
        gold("x1", abstain=True, type_="abstain"),
    ]
    preds = [
        pred("Sở Khoa học và Công nghệ", citations=[GOOD_CITE], item_id="l1", latency=10),
        pred("Sở Tài chính", citations=[FILLER, GOOD_CITE], item_id="l2", latency=30),
        pred("64 phiếu", citations=[cite("đã tiếp nhận 64 phiếu đề xuất")], item_id="n1", latency=20),
        pred("Không tìm thấy", True, item_id="x1", latency=40),
    ]
    report = score(items, preds)
    assert set(report.by_type) == {"lead_unit", "number", "abstain"}
    lead = report.by_type["lead_unit"]
    assert (lead.n, lead.answer_acc, lead.cite_acc, lead.overall) == (2, 0.5, 1.0, 0.5)
    assert lead.mrr == pytest.approx(0.75)
    assert lead.p50_latency_ms == 20
    assert report.by_type["number"].overall == 1.0
    assert report.by_type["abstain"].abstain_recall == 1.0
    m = report.overall
    assert (m.n, m.n_answerable, m.n_abstain) == (4, 3, 1)
    assert m.answer_acc == pytest.approx(2 / 3)
    assert m.overall == 0.75
    assert m.p50_latency_ms == 25
    assert [r.id for r in report.failures()] == ["l2"]


def test_missing_prediction_is_an_error() -> None:
    with pytest.raises(PolicyQAError, match="no prediction for 1 gold item"):
        score([gold("q1"), gold("q2")], [pred(item_id="q1")])


# --- an independent re-implementation of the contract, checked against the product ----------


def ref_norm(text: str) -> str:
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("đ", "d").replace("Đ", "D").lower().split())


def ref_metrics(items: list[GoldItem], preds: list[Prediction]) -> dict[str, float | None]:
    p = {x.id: x for x in preds}
    answerable = [i for i in items if not i.abstain]
    abstain = [i for i in items if i.abstain]
    ok, ranks = {}, {}
    for i in answerable:
        head = ref_norm(unicodedata.normalize("NFC", p[i.id].answer)[:600])
        ok[i.id] = not p[i.id].abstained and all(any(ref_norm(a) in head for a in g) for g in i.keys)
        ranks[i.id] = next(
            (
                n + 1
                for n, c in enumerate(p[i.id].citations[:5])
                if c.source in i.sources
                and any(ref_norm(e).replace(" ", "") in ref_norm(c.text).replace(" ", "") for e in i.evidence)
            ),
            0,
        )

    def mean(values: list[float]) -> float | None:
        return sum(values) / len(values) if values else None

    passed = [ok[i.id] and ranks[i.id] > 0 for i in answerable] + [p[i.id].abstained for i in abstain]
    return {
        "answer_acc": mean([ok[i.id] for i in answerable]),
        "cite_acc": mean([ranks[i.id] > 0 for i in answerable]),
        "mrr": mean([1 / ranks[i.id] if ranks[i.id] else 0 for i in answerable]),
        "abstain_recall": mean([p[i.id].abstained for i in abstain]),
        "false_abstain": mean([p[i.id].abstained for i in answerable]),
        "overall": mean(passed),
    }


WORDS = ["Sở", "sở", "SO", "khoa học", "Khoa Hoc", "đề tài", "de tai", "Đ", "d", "64", "3.300", "Kon Tum"]
WORDS += [unicodedata.normalize("NFD", w) for w in ("Sở", "đề tài", "Kế hoạch")]
SPACES = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", ""])
phrase = st.lists(st.tuples(st.sampled_from(WORDS), SPACES), max_size=6).map(
    lambda parts: "".join(w + s for w, s in parts)
)
nonempty_phrase = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)
# Filler lengths cluster near the 600-character edge so the window is exercised.
filler = st.one_of(st.integers(0, 30), st.integers(560, 600))
answer_text = st.tuples(phrase, filler, phrase).map(lambda t: t[0] + "x" * t[1] + t[2])
citation = st.builds(cite, phrase, st.sampled_from(["a.txt", "b.txt"]))


@st.composite
def case(draw: st.DrawFn) -> tuple[list[GoldItem], list[Prediction]]:
    n = draw(st.integers(1, 6))
    items, preds = [], []
    for k in range(n):
        item_id = f"q{k}"
        if draw(st.booleans()) and k:
            items.append(gold(item_id, abstain=True))
        else:
            keys = draw(st.lists(st.lists(nonempty_phrase, min_size=1, max_size=2), min_size=1, max_size=2))
            evidence = draw(st.lists(nonempty_phrase, min_size=1, max_size=2))
            sources = draw(st.lists(st.sampled_from(["a.txt", "b.txt"]), min_size=1, max_size=2))
            items.append(gold(item_id, keys=keys, sources=sources, evidence=evidence))
        answer = draw(answer_text)
        if not items[-1].abstain and draw(st.booleans()):
            # Built from the keys themselves, padded so matches land on both sides of the window edge.
            chosen = [draw(st.sampled_from(group)) for group in items[-1].keys]
            answer = "x" * draw(st.integers(570, 600)) + " " + " ".join(chosen)
        citations = draw(st.lists(citation, max_size=7))
        preds.append(pred(answer, draw(st.booleans()), citations, item_id=item_id))
    return items, preds


@settings(max_examples=300, deadline=None)
@given(case())
def test_product_agrees_with_independent_reference(data: tuple[list[GoldItem], list[Prediction]]) -> None:
    items, preds = data
    expected = ref_metrics(items, preds)
    got = score(items, preds).overall
    for name, value in expected.items():
        assert getattr(got, name) == pytest.approx(value), name
