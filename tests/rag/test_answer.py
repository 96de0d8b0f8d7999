"""The answerer end to end on the bundled corpus: structure-aware answers, citations, abstention."""

from __future__ import annotations

import pytest

from rag.answer import NOT_FOUND
from rag.records import Answer
from rag.text import fold

pytestmark = pytest.mark.slow

PLAN_PROVINCE = "003_7aaba2caba63f323.txt"
PLAN_DEPARTMENT = "001_5606de6d9e8f4abd.txt"
LETTER_OCR = "002_2e5a22c7a7b6f521.txt"
REPORT = "004_692be0d4a05e0383.txt"


def folded(text: str) -> str:
    return fold(text).replace(" ", "")


def cites(answer: Answer, source: str, snippet: str, within: int = 5) -> bool:
    return any(c.source == source and folded(snippet) in folded(c.text) for c in answer.citations[:within])


def test_lead_unit_of_numbered_task_cites_the_field(assistant) -> None:
    answer = assistant.ask("Nhiệm vụ 3 trong kế hoạch của UBND tỉnh do đơn vị nào chủ trì?")
    assert not answer.abstained
    assert "Sở Tài chính" in answer.answer
    first = answer.citations[0]
    assert first.source == PLAN_PROVINCE and first.locator.startswith("II.3")
    assert "Đơn vị thực hiện" in first.text


def test_coordinating_units(assistant) -> None:
    answer = assistant.ask("Đơn vị nào phối hợp thực hiện nhiệm vụ 5 của kế hoạch cấp tỉnh?")
    assert "Sở Nội vụ" in answer.answer and "Sở Giáo dục và Đào tạo" in answer.answer
    assert cites(answer, PLAN_PROVINCE, "Đơn vị phối hợp: Sở Nội vụ", within=1)


def test_ambiguous_task_is_answered_for_each_document(assistant) -> None:
    answer = assistant.ask("Đơn vị nào chủ trì nhiệm vụ 2?")
    assert not answer.abstained
    assert "Sở Giáo dục và Đào tạo" in answer.answer  # the provincial plan
    assert "Trung tâm Chuyển đổi số và Đổi mới sáng tạo" in answer.answer  # the department's plan
    assert {c.source for c in answer.citations[:2]} == {PLAN_PROVINCE, PLAN_DEPARTMENT}
    assert "nhiều văn bản" in answer.answer


def test_signer_of_an_ambiguous_document_is_given_for_each(assistant) -> None:
    answer = assistant.ask("Ai ký kế hoạch?")  # two plans in the corpus
    assert "Phan Văn Hiếu" in answer.answer and "do Chủ tịch ký (thay mặt Ủy ban nhân dân)" in answer.answer
    assert [c.locator for c in answer.citations[:2]] == ["chữ ký", "chữ ký"]


def test_year_targets_are_listed(assistant) -> None:
    answer = assistant.ask("Mục tiêu đến năm 2030 của kế hoạch của Sở là gì?")
    for figure in ("100%", "80%", "70%"):
        assert figure in answer.answer
    assert all(c.source == PLAN_DEPARTMENT for c in answer.citations[:3])


def test_signer_and_recipients(assistant) -> None:
    signed = assistant.ask("Ai ký báo cáo tình hình thực hiện nhiệm vụ 6 tháng đầu năm 2025?")
    assert "Trần Thanh Trường" in signed.answer
    assert signed.citations[0].source == REPORT and signed.citations[0].locator == "chữ ký"
    sent = assistant.ask("Công văn báo cáo kết quả thực hiện Kế hoạch 02-KH/BCĐTW được gửi đến đâu?")
    assert "Trung tâm Truyền thông Khoa học và Công nghệ" in sent.answer


def test_date_of_a_cited_document(assistant) -> None:
    answer = assistant.ask("Quyết định số 2240/QĐ-BKHCN được ban hành ngày nào?")
    assert "16/8/2025" in answer.answer
    assert len(answer.answer) < 200


def test_figures_come_with_their_sentence_not_a_page(assistant) -> None:
    answer = assistant.ask("Sở đã thẩm định công nghệ cho bao nhiêu dự án đầu tư?")
    assert "24" in answer.answer and len(answer.answer) < 400
    assert cites(answer, REPORT, "thẩm định công nghệ cho 24 dự án", within=1)


def test_table_row_value(assistant) -> None:
    answer = assistant.ask("Tỷ lệ xã, phường, thị trấn có điểm bưu điện văn hóa là bao nhiêu?")
    assert "98,2" in answer.answer


def test_question_without_diacritics(assistant) -> None:
    answer = assistant.ask("don vi nao thuc hien nhiem vu 4 trong ke hoach cua So Khoa hoc va Cong nghe")
    assert "Phòng Quản lý khoa học và Đổi mới sáng tạo" in answer.answer


def test_duty_of_a_unit_comes_from_its_own_section(assistant) -> None:
    # Another section's bullet names the unit in passing ("… (qua Phòng Quản lý khoa học …)").
    answer = assistant.ask("Phòng Quản lý khoa học và Đổi mới sáng tạo báo cáo định kỳ vào những ngày nào?")
    assert "20/6" in answer.answer and "20/12" in answer.answer
    assert answer.citations[0].source == PLAN_DEPARTMENT and answer.citations[0].locator.startswith("V.1")


def test_a_numbered_unit_over_its_duties_is_their_owner(assistant) -> None:
    # "2. Văn phòng Sở" is the first line of the clause listing its duties (no heading of its own).
    answer = assistant.ask("trách nhiệm Văn phòng Sở")
    assert answer.answer.startswith("2. Văn phòng Sở") and "dự toán" in answer.answer


def test_which_part_of_the_department_is_a_question_phrase(assistant) -> None:
    answer = assistant.ask("Bộ phận nào trong Sở lo việc lập dự toán kinh phí cho kế hoạch truyền thông?")
    assert not answer.abstained and "Văn phòng Sở" in answer.answer


def test_count_is_the_number_in_the_questions_own_words(assistant) -> None:
    answer = assistant.ask("Tỉnh Quảng Ngãi còn lại bao nhiêu xã sau khi giảm đơn vị hành chính?")
    assert "còn lại 145" in answer.answer
    assert answer.citations[0].source == REPORT


def test_a_verb_no_document_uses_is_only_a_way_of_asking(assistant) -> None:
    # "nhận về" / "đặt" appear in no document, but they name no subject: the answer stands.
    answer = assistant.ask(
        "Sáu tháng đầu năm 2025, Sở nhận về bao nhiêu phiếu đề xuất nhiệm vụ khoa học công nghệ?"
    )
    assert not answer.abstained and "64 phiếu" in answer.answer
    answer = assistant.ask("Tỉnh đặt mục tiêu số trạm 5G trong năm 2025 đạt tỷ lệ bao nhiêu so với trạm 4G?")
    assert not answer.abstained and "50%" in answer.answer


def test_targets_of_a_document_named_by_its_title_are_all_listed(assistant) -> None:
    # The title's words ("Kế hoạch triển khai Chương trình …") name the plan, not one target.
    answer = assistant.ask(
        'Mục tiêu cụ thể năm 2025 của Kế hoạch triển khai Chương trình "Đẩy mạnh truyền thông thực hiện '
        'Nghị quyết số 57-NQ/TW" tại Sở Khoa học và Công nghệ là gì?'
    )
    assert answer.answer.count("100%") >= 2 and "Xây dựng, ban hành Kế hoạch" in answer.answer


def test_same_count_for_the_year_the_report_covers(assistant) -> None:
    answer = assistant.ask("Sở đã thẩm định công nghệ cho bao nhiêu dự án đầu tư trong 6 tháng đầu năm 2025?")
    assert not answer.abstained and "24 dự án" in answer.answer


def test_a_documents_subject_is_not_its_type(assistant) -> None:
    # "báo cáo kết quả …" begins the subject of the department's letter (V/v báo cáo kết quả …);
    # it does not make the question about the document of type Báo cáo.
    answer = assistant.ask("Ai ký báo cáo kết quả thực hiện nhiệm vụ truyền thông theo Kế hoạch 02-KH/BCĐTW?")
    assert "Nguyễn Quốc Huy Hoàng" in answer.answer and "Trần Thanh Trường" not in answer.answer


def test_english_question(assistant) -> None:
    answer = assistant.ask("When was Resolution 57-NQ/TW issued?")
    assert "22/12/2024" in answer.answer


def test_answer_from_ocr_text_is_readable_and_citation_is_faithful(assistant) -> None:
    answer = assistant.ask("Công văn 819 đề nghị các cơ quan, đơn vị, địa phương làm những gì?")
    assert not answer.abstained
    assert "kế hoạch truyền thông" in answer.answer.lower()  # marks restored for the reader
    ocr = [c for c in answer.citations if c.source == LETTER_OCR]
    assert ocr and any("ké hoach truyén thong" in c.text for c in ocr)  # quoted as stored


@pytest.mark.parametrize(
    "question",
    [
        "Mục tiêu đến năm 2040 về chuyển đổi số của tỉnh là gì?",  # a year no document mentions
        "Quyết định số 9999/QĐ-UBND được ban hành ngày nào?",  # a document no one cites
        "Đơn vị nào chủ trì nhiệm vụ 9 trong kế hoạch của UBND tỉnh?",  # a task that does not exist
        "Giá vé xe buýt nội tỉnh Quảng Ngãi là bao nhiêu?",  # a subject the corpus never mentions
        "Mức lương cơ sở của cán bộ công chức năm 2025 là bao nhiêu?",
        "Ai là Chủ tịch UBND tỉnh Quảng Ngãi?",  # no document names the chairman
        "Chỉ số đổi mới sáng tạo PII của tỉnh năm 2025 đạt bao nhiêu điểm?",  # only a workshop about it
        # the report gives this count for the first half of 2025, not of 2024
        "Sở đã thẩm định công nghệ cho bao nhiêu dự án đầu tư trong 6 tháng đầu năm 2024?",
        # English whose subject words no glossary term reads: no clause can be said to answer it
        "How many electric buses will the city buy in 2025?",
    ],
)
def test_abstains_with_related_clauses(assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained
    # A document named by a number none carries: said so ("Quyết định số 9999/QĐ-UBND không có …").
    assert answer.answer == NOT_FOUND or (
        answer.code == "document_not_found" and "không có trong các văn bản đang tra cứu" in answer.answer
    )
    assert answer.citations == []
    assert answer.related  # the closest clauses (or documents) are still shown


def test_citations_are_ranked_and_complete(assistant) -> None:
    answer = assistant.ask("Sở tiếp nhận bao nhiêu phiếu đề xuất nhiệm vụ khoa học và công nghệ năm 2025?")
    assert 1 <= len(answer.citations) <= 5
    assert len({c.clause_id for c in answer.citations}) == len(answer.citations)
    for c in answer.citations:
        assert c.source and c.locator and c.text and c.document
    assert {"retrieve_ms", "answer_ms", "total_ms"} <= set(answer.timings)


def test_who_is_questions_need_a_name_next_to_the_title() -> None:
    from rag.answer import names_a_person

    assert names_a_person("GIÁM ĐỐC Trần Thanh Trường", near="giam doc")
    assert not names_a_person("Trình Chủ tịch UBND tỉnh xem xét", near="chu tich")  # a verb, not Trịnh
    far = "Chủ tịch UBND tỉnh phê duyệt kế hoạch hợp tác với các trường đại học và với Thành phố Hồ Chí Minh"
    assert not names_a_person(far, near="chu tich")  # a name, but not the one the title belongs to


# --- lexical first: the dense query embedding only when BM25's clauses do not answer -------------
def test_question_answered_by_bm25_clauses_skips_the_query_embedding(assistant) -> None:
    before = assistant.embedder.calls
    answer = assistant.ask("Đơn vị nào phối hợp thực hiện nhiệm vụ 5 của kế hoạch của UBND tỉnh?")
    assert not answer.abstained and answer.lexical_only
    assert "Sở Nội vụ" in answer.answer
    assert assistant.embedder.calls == before  # no query was embedded
    assert "lexical_first_ms" not in answer.timings


def test_english_and_unanswerable_questions_get_the_full_hybrid_search(assistant) -> None:
    for question in (
        "Which department leads task 4 of the department's plan? (cascade)",
        "Giá vé tàu cao tốc Quảng Ngãi đi Đà Nẵng bao nhiêu? (cascade)",
    ):
        before = assistant.embedder.calls
        answer = assistant.ask(question)
        assert not answer.lexical_only
        assert assistant.embedder.calls == before + 1  # the question was embedded for the dense search
    assert answer.abstained and answer.related
    assert "lexical_first_ms" in answer.timings  # the BM25 pass was tried first


def test_lexical_first_can_be_turned_off(seed_index) -> None:
    from index.hybrid import HybridRetriever
    from index.store import IndexStore
    from rag.answer import Answerer

    store = IndexStore.open(seed_index)
    retriever = HybridRetriever(store)
    question = "Đơn vị nào phối hợp thực hiện nhiệm vụ 5 của kế hoạch của UBND tỉnh?"
    always_dense = Answerer(store, lexical_sufficient=None).run(question, retriever)
    lexical_first = Answerer(store).run(question, retriever)
    assert not always_dense.lexical_only and lexical_first.lexical_only
    assert always_dense.answer == lexical_first.answer
    assert always_dense.citations[0].clause_id == lexical_first.citations[0].clause_id


def test_number_slot_is_the_questions_words_around_a_number() -> None:
    from rag.answer import fills_number_slot
    from rag.reading import read

    slot = read("con lai bao nhieu xa?").number_slot
    assert fills_number_slot("giam 03 don vi, con lai 145 xa, 8 thi tran", slot)
    assert not fills_number_slot("160 diem buu dien giam do sap nhap xa", slot)
    assert read("ke hoach ban hanh ngay nao?").number_slot is None  # no "bao nhiêu"


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("Ai ký kế hoạch số 58/KH-UBND?", "document_field"),
        ("Sở Tài chính được giao những nhiệm vụ gì?", "unit_tasks"),
        ("Đơn vị nào chủ trì nhiệm vụ 2?", "delegated_task"),
        ("Mục tiêu đến năm 2030 là gì?", "targets"),
        ("Nghị định có hiệu lực từ ngày nào?", "effective_date"),
        ("Điều nào quy định về thanh tra chuyên ngành?", "article"),
        ("Nội dung chính của kế hoạch là gì?", "passage"),
    ],
)
def test_strategies_are_routed_by_what_the_reader_found(question: str, first: str) -> None:
    from rag.answer.answerer import STRATEGIES, routed
    from rag.reading import read

    names = [s.name for s in routed(STRATEGIES, read(question))]
    assert names[0] == first and names[-1] == "passage"
    # A strategy claims only questions with one of its labels: no unit's tasks for a signer question.
    assert "unit_tasks" not in [s.name for s in routed(STRATEGIES, read("Ai ký kế hoạch số 58/KH-UBND?"))]
