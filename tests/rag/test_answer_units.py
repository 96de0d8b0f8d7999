"""The unit, deadline and lineage strategies, on plans in other provinces' wording (pure, no index)
and on the bundled corpus (through the assistant, slow)."""

from __future__ import annotations

import pytest

from rag.answer.base import Composed, Context
from rag.answer.corpus import CorpusView
from rag.answer.documents import document_affinity
from rag.answer.evidence import Evidence
from rag.answer.lineage import Lineage
from rag.answer.tasks_due import TasksDue
from rag.answer.unit_tasks import UnitTasks
from rag.reading import catalogue_of, read
from rag.records import Document
from rag.registry import Registry
from tests.rag.lineage_docs import FOLLOW_UP, TABLE_PLAN, parse_text


@pytest.fixture(scope="module")
def docs() -> tuple[Document, Document]:
    return parse_text(TABLE_PLAN, "bacson-245.txt"), parse_text(FOLLOW_UP, "bacson-sct-19.txt")


@pytest.fixture(scope="module")
def view(docs: tuple[Document, Document]) -> CorpusView:
    return CorpusView(docs)


def compose(view: CorpusView, strategy: object, question: str) -> Composed | None:
    intent = read(question, catalogue=catalogue_of((d.id, d.meta) for d in view.documents.values()))
    affinity = document_affinity(view, intent, set(view.documents))
    if not strategy.claims_question(intent):  # type: ignore[attr-defined]
        return None  # the answerer routes the question elsewhere
    registry = Registry(view.documents.values())
    ctx = Context(
        question=intent,
        hits=[],
        affinity=affinity,
        view=view,
        evidence=Evidence(view),
        registry=lambda: registry,
    )
    return strategy.compose(ctx)  # type: ignore[attr-defined]


def test_a_units_tasks_with_roles_deadlines_and_citations(view: CorpusView) -> None:
    composed = compose(view, UnitTasks(), "Sở Công Thương được giao những nhiệm vụ gì?")
    assert composed is not None
    text = composed.text
    assert text.startswith("Sở Công Thương được giao")
    assert "- Chủ trì: II.1 Rà soát quy hoạch mạng lưới chợ đầu mối (thời hạn: Quý IV/2025)" in text
    assert "- Phối hợp: II.2 Xây dựng cơ chế hỗ trợ thương nhân (thời hạn: Quí IV-2025)" in text
    assert "trước ngày 15/12/2025" in text  # its duty under "1. Sở Công Thương:"
    assert "Kế hoạch số 245/KH-UBND" in text
    cited = {c.locator for c in composed.cited}
    assert {"II.1", "II.2", "III.1"} <= cited


def test_abbreviated_unit_and_one_role(view: CorpusView) -> None:
    composed = compose(view, UnitTasks(), "Sở NN&MT phối hợp những nhiệm vụ nào?")
    assert composed is not None
    assert "Sở Nông nghiệp và Môi trường" in composed.text
    assert "Phối hợp: II.2" in composed.text and "Chủ trì:" not in composed.text
    lead = compose(view, UnitTasks(), "Sở KH&CN chủ trì những nhiệm vụ nào?")
    assert (
        lead is not None
        and "Chủ trì: II.3 Đào tạo kỹ năng số cho tiểu thương (thời hạn: tháng 3/2026)" in lead.text
    )


def test_tasks_due_in_a_quarter(view: CorpusView) -> None:
    composed = compose(view, TasksDue(), "Nhiệm vụ nào phải hoàn thành trong quý IV năm 2025?")
    assert composed is not None
    text = composed.text
    assert "từ 01/10/2025 đến 31/12/2025" in text
    assert "Rà soát quy hoạch mạng lưới chợ đầu mối" in text and "Xây dựng cơ chế hỗ trợ thương nhân" in text
    assert "Đào tạo kỹ năng số" not in text  # tháng 3/2026
    assert "Kiểm tra an toàn thực phẩm" not in text  # thường xuyên: no date
    assert "Phòng Quản lý thương mại (chủ trì)" in text  # "hoàn thành trong quý IV/2025" in a duty


def test_tasks_due_before_a_day(view: CorpusView) -> None:
    composed = compose(view, TasksDue(), "Những nhiệm vụ nào phải hoàn thành trước 31/12/2025?")
    assert composed is not None
    assert "đến 31/12/2025" in composed.text and "Đào tạo kỹ năng số" not in composed.text
    none = compose(view, TasksDue(), "Nhiệm vụ nào phải hoàn thành trong quý II năm 2027?")
    assert none is not None and not none.cited  # asked, and nothing falls due then: abstain


def test_lineage_incoming_and_outgoing(view: CorpusView, docs: tuple[Document, Document]) -> None:
    plan, follow = docs
    composed = compose(view, Lineage(), "Những văn bản nào triển khai Kế hoạch số 245/KH-UBND?")
    assert composed is not None
    assert "Kế hoạch số 19/KH-SCT" in composed.text
    assert [c.doc_id for c in composed.cited] == [follow.id]
    outside = compose(view, Lineage(), "Văn bản nào thực hiện Quyết định 812/QĐ-TTg?")
    assert outside is not None and "Kế hoạch số 245/KH-UBND" in outside.text
    bases = compose(view, Lineage(), "Kế hoạch số 19/KH-SCT căn cứ vào văn bản nào?")
    assert bases is not None
    assert "- Căn cứ: Quyết định số 14/2025/QĐ-UBND ngày 02/3/2025" in bases.text
    assert "- Thực hiện: Kế hoạch số 245/KH-UBND ngày 05/9/2025" in bases.text


@pytest.mark.parametrize(
    "question",
    [
        "Đơn vị nào chủ trì nhiệm vụ 2?",
        "Sở Công Thương phải báo cáo trước ngày nào?",
        "Kế hoạch 245/KH-UBND triển khai quyết định nào của Thủ tướng?",
        "Kinh phí thực hiện kế hoạch từ nguồn nào?",
        "Ai ký kế hoạch này?",
    ],
)
def test_other_questions_pass(view: CorpusView, question: str) -> None:
    for strategy in (UnitTasks(), TasksDue(), Lineage()):
        assert compose(view, strategy, question) is None, (strategy, question)


# --- the bundled corpus, end to end -----------------------------------------------------------


@pytest.mark.slow
def test_bundled_corpus_answers(assistant) -> None:  # noqa: ANN001 (rag.pipeline.Assistant)
    answer = assistant.ask("Sở KH&CN được giao những nhiệm vụ gì?")
    assert not answer.abstained
    assert answer.answer.startswith("Sở Khoa học và Công nghệ được giao 7 nhiệm vụ")
    assert "Chủ trì: II.4 Tổ chức truyền thông Nghị quyết" in answer.answer
    assert "Phối hợp: II.3" in answer.answer
    assert answer.citations[0].locator == "II.1 · Đơn vị thực hiện"

    due = assistant.ask("Nhiệm vụ nào phải hoàn thành trong quý IV năm 2025?")
    assert "IV.1.-4" in due.answer and "20/12/2025" in due.answer
    assert {c.locator for c in due.citations[:3]} == {"IV.1.-4", "V.1.-3", "V.4.-2"}

    implementing = assistant.ask("Những văn bản nào triển khai Nghị quyết 57-NQ/TW?")
    assert implementing.answer.startswith(
        "Các văn bản triển khai Nghị quyết số 57-NQ/TW ngày 22/12/2024: 3 văn bản."
    )
    bases = assistant.ask("Kế hoạch của UBND tỉnh căn cứ vào văn bản nào?")
    assert "Thực hiện: Nghị quyết số 57-NQ/TW ngày 22/12/2024; Quyết định số 1169/QĐ-TTg" in bases.answer
