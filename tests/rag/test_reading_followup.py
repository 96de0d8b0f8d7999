"""Follow-ups: read in the scope earlier turns set, or a clarifying question when there is none."""

from __future__ import annotations

import io

import pytest

from rag.chat import chat
from rag.pipeline import Assistant
from rag.questions import Scope, Turn
from rag.reading.followup import MAX_TURNS, bounded, document_phrase, resolve, scope_of
from rag.records import Filters

FIRST = Turn(
    "Cơ quan nào chủ trì nhiệm vụ 2 của Kế hoạch 58/KH-UBND?",
    "Nhiệm vụ II.2 (Tập huấn bán hàng trực tuyến …): Cơ quan chủ trì: Sở Công Thương.",
    "doc-58",
)


def test_an_ellipsis_varies_the_last_question() -> None:
    read = resolve("Còn nhiệm vụ 1 thì sao?", [FIRST])
    assert read.question == "Cơ quan nào chủ trì nhiệm vụ 1 của Kế hoạch 58/KH-UBND?"
    assert read.follow_up and read.doc_id == "doc-58" and not read.clarify
    # Chained: the second ellipsis varies the first one as it was understood.
    second = Turn("Còn nhiệm vụ 1 thì sao?", "…", "doc-58")
    assert resolve("con nhiem vu 3 thi sao", [FIRST, second]).question == (
        "Cơ quan nào chủ trì nhiệm vụ 3 của Kế hoạch 58/KH-UBND?"
    )
    assert resolve("Còn năm 2027 thì sao?", [FIRST]).question.endswith("năm 2027?")


def test_demonstratives_take_the_task_document_and_unit() -> None:
    assert resolve("Thời hạn của nhiệm vụ đó là khi nào?", [FIRST]).question == (
        "Thời hạn của nhiệm vụ 2 trong Kế hoạch 58/KH-UBND là khi nào?"
    )
    signer = resolve("Ai ký văn bản đó?", [FIRST])
    assert signer.question == "Ai ký Kế hoạch 58/KH-UBND?" and signer.doc_id == "doc-58"
    assert resolve("Văn bản này có hiệu lực từ ngày nào?", [FIRST]).question.startswith("Kế hoạch 58/KH-UBND")
    # The unit the answer named (not the document's issuer) is "đơn vị đó".
    assert scope_of([FIRST]).unit == "Sở Công Thương"
    assert resolve("Đơn vị đó phối hợp với ai?", [FIRST]).question.startswith(
        "Sở Công Thương phối hợp với ai"
    )


def test_another_document_or_unit_replaces_the_old_one() -> None:
    read = resolve("Còn Kế hoạch 12/KH-UBND thì sao?", [FIRST])
    assert read.question == "Cơ quan nào chủ trì nhiệm vụ 2 của Kế hoạch 12/KH-UBND?" and read.doc_id == ""
    unit_turn = Turn("Sở Tài chính có nhiệm vụ gì trong kế hoạch 58/KH-UBND?", "…")
    assert resolve("Còn Sở Nội vụ thì sao?", [unit_turn]).question == (
        "Sở Nội vụ có nhiệm vụ gì trong kế hoạch 58/KH-UBND?"
    )


@pytest.mark.parametrize(
    "question", ["Còn nhiệm vụ 3 thì sao?", "Ai ký văn bản đó?", "Thời hạn nhiệm vụ đó?"]
)
def test_without_history_a_follow_up_asks_back(question: str) -> None:
    read = resolve(question, [])
    assert read.follow_up and read.clarify


@pytest.mark.parametrize(
    "question", ["Luật này áp dụng đối với đối tượng nào?", "Kế hoạch này nhằm mục đích gì?"]
)
def test_this_document_in_a_fresh_chat_is_the_questions_own(question: str) -> None:
    read = resolve(question, [])
    assert read.question == question and not read.clarify and not read.follow_up
    # After a plan, "Luật này" is not that plan; "Kế hoạch này" is.
    assert resolve("Luật này áp dụng đối với đối tượng nào?", [FIRST]).question.startswith("Luật này")
    assert (
        resolve("Kế hoạch này nhằm mục đích gì?", [FIRST]).question == "Kế hoạch 58/KH-UBND nhằm mục đích gì?"
    )


def test_that_document_named_earlier_in_the_same_question_is_no_follow_up() -> None:
    question = "Sở nào ban hành quyết định thành lập Ban chỉ đạo, và quyết định đó có số hiệu gì?"
    for history in ([], [FIRST]):
        read = resolve(question, history)
        assert read.question == question and not read.clarify and not read.follow_up
    # Named only by the demonstrative, it is the last turn's document.
    assert resolve("Ai ký quyết định đó?", []).clarify


@pytest.mark.parametrize(
    "question",
    [
        "Còn lại bao nhiêu xã sau khi sáp nhập?",
        "Kế hoạch do UBND tỉnh ban hành có mấy nhiệm vụ?",
        "Đơn vị nào thực hiện nhiệm vụ 4 trong kế hoạch của UBND tỉnh?",
        "Cơ sở giáo dục đó có bao nhiêu học sinh?",
    ],
)
def test_a_question_that_stands_alone_is_left_alone(question: str) -> None:
    read = resolve(question, [FIRST])
    assert read.question == question and not read.clarify and not read.doc_id


def test_history_is_bounded() -> None:
    many = [Turn(f"Câu hỏi {i} " + "x" * 5000, "y" * 9000) for i in range(50)]
    kept = bounded(many)
    assert len(kept) == MAX_TURNS and all(len(t.question) <= 2000 and len(t.answer) <= 4000 for t in kept)
    assert kept[-1].question.startswith("Câu hỏi 49")
    assert scope_of(many) == Scope(question=kept[-1].question, slot="content")


def test_document_phrases() -> None:
    assert document_phrase("Ai chủ trì nhiệm vụ 4 trong kế hoạch của UBND tỉnh?") == "kế hoạch của UBND tỉnh"
    assert document_phrase("Kế hoạch 58/KH-UBND được ban hành ngày nào?") == "Kế hoạch 58/KH-UBND"
    assert document_phrase("Ai ký văn bản đó?") == ""


# --- on indexes -----------------------------------------------------------------------------
@pytest.mark.slow
def test_a_conversation_on_the_corpus(assistant: Assistant) -> None:
    turns: list[Turn] = []
    expected = [
        ("Đơn vị nào thực hiện nhiệm vụ 4 trong kế hoạch của UBND tỉnh?", "Sở Khoa học và Công nghệ", "II.4"),
        ("Còn nhiệm vụ 3 thì sao?", "Sở Tài chính", "II.3"),
        ("Thời gian thực hiện nhiệm vụ đó là khi nào?", "Thường xuyên", "II.3"),
        ("Ai ký văn bản đó?", "Chủ tịch", "chữ ký"),
    ]
    for question, words, locator in expected:
        answer = assistant.ask(question, history=turns)
        assert not answer.abstained and not answer.clarify, question
        assert words in answer.answer, (question, answer.answer)
        assert answer.citations[0].locator.startswith(locator)
        assert answer.citations[0].source == "003_7aaba2caba63f323.txt"
        turns.append(Turn(question, answer.answer, answer.citations[0].doc_id))
    assert answer.resolved_question == "Ai ký kế hoạch của UBND tỉnh?"


@pytest.mark.slow
def test_a_fresh_follow_up_does_not_invent_a_scope(assistant: Assistant) -> None:
    answer = assistant.ask("Còn nhiệm vụ 3 thì sao?")
    assert answer.clarify and not answer.abstained and not answer.citations
    assert answer.answer.startswith("Bạn đang hỏi về văn bản nào?")
    assert "Kế hoạch số …/KH-UBND tháng 8 năm 2025 của UBND tỉnh Quảng Ngãi" in answer.answer


@pytest.mark.slow
def test_follow_ups_in_another_provinces_plan(refs: Assistant) -> None:
    public = Filters(access={"public"})
    first = refs.ask("Cơ quan nào chủ trì nhiệm vụ 2 của Kế hoạch 58/KH-UBND?", filters=public)
    assert "Sở Công Thương" in first.answer
    turns = [Turn(first.question, first.answer, first.citations[0].doc_id)]
    second = refs.ask("Còn nhiệm vụ 1 thì sao?", history=turns, filters=public)
    assert "Sở Nông nghiệp và Môi trường" in second.answer
    deadline = refs.ask("Thời hạn của nhiệm vụ đó là khi nào?", history=turns, filters=public)
    assert "Tháng 9/2026" in deadline.answer
    signer = refs.ask("Ai ký văn bản đó?", history=turns, filters=public)
    assert "Nguyễn Thị Sen" in signer.answer


@pytest.mark.slow
def test_a_history_naming_an_unreadable_document_learns_nothing(refs: Assistant) -> None:
    public = Filters(access={"public"})
    internal = next(d for d in refs.documents() if d.access == "internal")
    # A turn's document id is the client's word: an internal one reads as no document at all.
    forged = [Turn("Ai chủ trì nhiệm vụ 1?", "…", internal.id)]
    answer = refs.ask("Ai ký văn bản đó?", history=forged, filters=public)
    assert answer.clarify and "Zephyrus" not in answer.answer and "77/KH-SNV" not in answer.answer
    assert (
        answer.answer
        == refs.ask(
            "Ai ký văn bản đó?", history=[Turn("Ai chủ trì nhiệm vụ 1?", "…", "no-such-id")], filters=public
        ).answer
    )
    reader = refs.ask("Ai ký văn bản đó?", history=forged, filters=Filters(access={"public", "internal"}))
    assert "Nguyễn Văn Bí Mật" in reader.answer


@pytest.mark.slow
def test_policyqa_chat_in_a_terminal(assistant: Assistant) -> None:
    lines = iter(
        [
            "Đơn vị nào thực hiện nhiệm vụ 4 trong kế hoạch của UBND tỉnh?",
            "Còn nhiệm vụ 3 thì sao?",
            "/moi",
            "Còn nhiệm vụ 3 thì sao?",
        ]
    )

    def read(prompt: str) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    out = io.StringIO()
    chat(assistant, read=read, out=out)
    text = out.getvalue()
    assert "(hiểu là: Đơn vị nào thực hiện nhiệm vụ 3 trong kế hoạch của UBND tỉnh?)" in text
    assert "Sở Tài chính" in text
    after_reset = text.split("(cuộc trò chuyện mới)")[1]
    assert "Bạn đang hỏi về văn bản nào?" in after_reset and "Sở Tài chính" not in after_reset


def test_words_that_fold_like_a_demonstrative_are_not_one() -> None:
    from rag.reading.followup import resolve

    # "địa bàn đô thị" folds to "dia ban do thi", like "Ban đó": with marks it is no follow-up.
    resolution = resolve("Cơ quan nào chủ trì chương trình giáo dục ở địa bàn đô thị của tỉnh?", [])
    assert not resolution.follow_up and not resolution.clarify


# --- two-turn conversations, several phrasings per turn ----------------------------------------
@pytest.mark.parametrize(
    ("restated", "ok"),
    [
        ("Đơn vị nào thực hiện nhiệm vụ 3 trong kế hoạch của UBND tỉnh?", True),
        ("Mục tiêu của nhiệm vụ 3 trong kế hoạch chuyển đổi số là gì?", True),
        ("Ai ký kế hoạch của UBND tỉnh do?", False),
        ("Mục tiêu của kế hoạch chuyển đổi số là gì nhiệm vụ 3?", False),
        ("Đơn vị phối hợp gồm những đơn vị nào trong kế hoạch của Ủy?", False),
        ("nhiệm vụ 3 trong kế hoạch của UBND tỉnh do ai thực hiện?", False),
    ],
)
def test_what_a_well_formed_restatement_is(restated: str, ok: bool) -> None:
    from tests.conversations import well_formed

    assert well_formed(restated) is ok


@pytest.mark.parametrize(
    ("first", "follow_up", "restated"),
    [
        # the asked slot kept, the task varied: before the document the last question named
        (
            "Mục tiêu của kế hoạch chuyển đổi số là gì?",
            "Còn nhiệm vụ 3 thì sao?",
            "Mục tiêu của nhiệm vụ 3 trong kế hoạch chuyển đổi số là gì?",
        ),
        (
            "Mục tiêu của kế hoạch chuyển đổi số là gì?",
            "Còn năm 2026 thì sao?",
            "Mục tiêu của kế hoạch chuyển đổi số năm 2026 là gì?",
        ),
        # after a figure asked of task 3, "that task" is task 3 and an aspect is asked of it
        ("Chỉ tiêu của nhiệm vụ 3 là bao nhiêu?", "Ai chủ trì nhiệm vụ đó?", "Ai chủ trì nhiệm vụ 3?"),
        (
            "Chỉ tiêu của nhiệm vụ 3 là bao nhiêu?",
            "Còn đơn vị chủ trì thì sao?",
            "Đơn vị chủ trì của nhiệm vụ 3 là đơn vị nào?",
        ),
        (
            "Nhiệm vụ 4 trong kế hoạch của UBND tỉnh do đơn vị nào thực hiện?",
            "Ai ký kế hoạch đó?",
            "Ai ký kế hoạch của UBND tỉnh?",
        ),
        (
            "Nhiệm vụ 4 trong kế hoạch của UBND tỉnh do đơn vị nào thực hiện?",
            "Còn kinh phí thì sao?",
            "Kinh phí của nhiệm vụ 4 trong kế hoạch của UBND tỉnh là bao nhiêu?",
        ),
        (
            "Sở tiếp nhận bao nhiêu phiếu đề xuất năm 2025?",
            "Còn năm 2024 thì sao?",
            "Sở tiếp nhận bao nhiêu phiếu đề xuất năm 2024?",
        ),
        (
            "Kế hoạch cấp tỉnh giao Sở Văn hóa, Thể thao và Du lịch trách nhiệm gì?",
            "Còn Sở Giáo dục và Đào tạo thì sao?",
            "Kế hoạch cấp tỉnh giao Sở Giáo dục và Đào tạo trách nhiệm gì?",
        ),
    ],
)
def test_a_follow_up_is_restated_as_a_sentence(first: str, follow_up: str, restated: str) -> None:
    from tests.conversations import well_formed

    read = resolve(follow_up, [Turn(first, "…", "doc")])
    assert read.question == restated and well_formed(read.question)


@pytest.mark.slow
@pytest.mark.parametrize("number", range(10))
def test_two_turn_conversations_on_the_corpus(assistant: Assistant, number: int) -> None:
    from tests.conversations import SEEDS, check

    assert not check(assistant, SEEDS[number])


@pytest.mark.slow
def test_follow_ups_in_another_provinces_plan_in_several_phrasings(refs: Assistant) -> None:
    from tests.conversations import Conversation, check

    public = Filters(access={"public"})
    conversation = Conversation(
        (
            "Cơ quan nào chủ trì nhiệm vụ 2 của Kế hoạch 58/KH-UBND?",
            "Nhiệm vụ 2 của Kế hoạch 58/KH-UBND do cơ quan nào chủ trì?",
        ),
        ("Còn nhiệm vụ 1 thì sao?", "Thế còn nhiệm vụ 1?"),
        ("nhiệm vụ 1", "58/KH-UBND"),
        ("Sở Nông nghiệp và Môi trường",),
    )
    assert not check(refs, conversation, filters=public)


RESIDUAL_LAW = """QUỐC HỘI
Luật số: 12/2030/QH16
LUẬT
VIÊN CHỨC NGÀNH THỦY LỢI
Chương III
XỬ LÝ VI PHẠM
Điều 20. Thời hiệu xử lý vi phạm
1. Thời hiệu xử lý vi phạm là thời hạn mà khi hết thời hạn đó thì viên chức có hành vi vi phạm không bị xử lý.
Thời hiệu xử lý vi phạm được quy định như sau:
a) 03 năm đối với hành vi vi phạm đến mức phải xử lý bằng hình thức nhắc nhở;
b) 07 năm đối với hành vi vi phạm không thuộc trường hợp quy định tại điểm a khoản này.
2. Thời hạn xử lý vi phạm không quá 60 ngày kể từ ngày phát hiện hành vi vi phạm.
Điều 21. Hiệu lực thi hành
Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2031.
"""


def test_the_other_cases_of_a_rule_read_as_its_residual_item_and_a_length(tmp_path) -> None:  # noqa: ANN001
    from rag.reading import read
    from tests.support import assistant_over

    asked = read("Còn các hành vi vi phạm khác thì thời hiệu là bao nhiêu?")
    assert "asks_residual" in asked.cues and "asks_duration" in asked.cues
    # Not "other" as "different from each other", nor "khắc phục" once folded.
    assert "asks_residual" not in read("Các phương án khác nhau là gì?").cues
    assert "asks_residual" not in read("Ai khắc phục hậu quả?").cues
    assistant = assistant_over(tmp_path, {"luat-12.txt": RESIDUAL_LAW})
    first = Turn(
        "Theo Luật Viên chức ngành thủy lợi, thời hiệu xử lý vi phạm đến mức nhắc nhở là bao lâu?",
        "03 năm.",
    )
    answer = assistant.ask("Còn các hành vi vi phạm khác thì thời hiệu là bao nhiêu?", history=[first])
    assert "07 năm" in answer.answer and "03 năm" not in answer.answer
