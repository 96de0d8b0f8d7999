from __future__ import annotations

import pytest

from rag.reading import read


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Đơn vị nào chủ trì nhiệm vụ 2?", "lead_unit"),
        ("nhiem vu 3 do don vi nao thuc hien", "lead_unit"),
        ("Đơn vị phối hợp thực hiện nhiệm vụ 1 là những đơn vị nào?", "coordinating_unit"),
        ("Thời gian thực hiện nhiệm vụ 5 là khi nào?", "deadline"),
        ("Mục tiêu đến năm 2030 là gì?", "target"),
        ("Ai ký công văn này?", "signer"),
        ("ai ky bao cao", "signer"),
        ("Ai đứng tên ký văn bản này?", "signer"),
        ("Sở nào cầm trịch việc tuyên truyền ở doanh nghiệp?", "lead_unit"),
        ("Công văn được gửi đến những cơ quan nào?", "recipient"),
        ("Quyết định 1169/QĐ-TTg được ban hành ngày nào?", "date"),
        ("Sở đã cấp bao nhiêu giấy phép?", "figure"),
        ("Nội dung chính của kế hoạch là gì?", "content"),
        ("Who signed the report?", "signer"),
        ("Ai là Chủ tịch UBND tỉnh?", "person"),
        ("Giám đốc Sở Tài chính là ai?", "person"),
        ("How many licences were issued?", "figure"),
        # "lúc nào" asks when, as "khi nào" does; "bất cứ lúc nào" ("at any time") does not
        ("Buổi tập huấn của Phòng Nội vụ diễn ra lúc nào?", "date"),
        ("Người dân có thể nộp hồ sơ bất cứ lúc nào không?", "content"),
    ],
)
def test_intent_kind(question: str, kind: str) -> None:
    assert read(question).slot == kind


def test_task_number_year_and_references() -> None:
    intent = read("Theo Kế hoạch số 58/KH-UBND, nhiệm vụ 4 đến năm 2030 do ai thực hiện?")
    assert intent.task_number == 4
    assert intent.years == ("2030",)
    assert ("ke hoach", "58/kh-ubnd") in intent.references
    assert "Kế hoạch" in intent.doc_types


def test_no_diacritics_question_matches_marked_one() -> None:
    marked = read("Đơn vị nào thực hiện nhiệm vụ 2 trong kế hoạch?")
    bare = read("Don vi nao thuc hien nhiem vu 2 trong ke hoach?")
    assert (marked.slot, marked.task_number, marked.folded) == (bare.slot, bare.task_number, bare.folded)
    assert not bare.english


def test_content_terms_drop_question_words_keep_numbers() -> None:
    terms = read("Sở tiếp nhận bao nhiêu phiếu đề xuất năm 2025?").terms.folded
    assert "bao" not in terms and "nhieu" not in terms
    assert {"phieu", "xuat", "2025"} <= set(terms)


def test_a_document_sent_to_which_bodies_asks_for_recipients() -> None:
    assert read("Công điện số 12/CĐ-TTg gửi Chủ tịch UBND những tỉnh, thành phố nào?").slot == "recipient"
    # Units sending their files somewhere is the text's content, not the document's recipients.
    assert read("Các đơn vị gửi hồ sơ đến những đơn vị nào để thẩm định?").slot != "recipient"
    # A recipients line says through whom a body receives it: "Bộ Công an (qua Cục A03)".
    assert read("Kế hoạch 15/KH-UBND gửi Bộ Tài chính để báo cáo qua đơn vị nào?").slot == "recipient"
    assert read("Công văn gửi Sở Nội vụ về việc gì?").slot != "recipient"


def test_english_question_terms_are_the_vietnamese_put_in() -> None:
    terms = read("Which agency leads the plan for high-tech parks and fibre optic networks?").terms
    # "khu", "cao", "quang" carry no marks but come from the glossary; "for", "and" stay English.
    assert {"khu", "cao", "quang", "chu", "tri"} <= set(terms.folded)
    assert not {"for", "and", "networks"} & set(terms.folded)


@pytest.mark.parametrize(
    ("question", "act"),
    [
        ("Ai được giao lưu trữ, bảo quản hồ sơ học bạ của trường?", ("luu", "tru", "bao", "quan")),
        ("Hồ sơ kiểm định do cơ quan nào thẩm định?", ("tham", "dinh")),
        ("Đơn vị nào sẽ tiếp nhận đơn khiếu nại của người dân?", ("tiep", "nhan", "don", "khieu")),
        ("Cơ quan nào chỉ đạo các trường rà soát học phí?", ("chi", "dao", "cac", "truong")),
        ("Ai là người đứng đầu đoàn kiểm tra?", ()),  # "là": who someone is, no act
        ("Kinh phí năm 2026 là bao nhiêu?", ()),  # no actor asked
    ],
)
def test_the_act_asked_of_an_unknown_actor_is_read(question: str, act: tuple[str, ...]) -> None:
    assert read(question).act == act
