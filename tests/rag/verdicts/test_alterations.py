"""Verdicts on statements altered in one fact (tools/verdict_alterations.py makes them): over a
synthetic decree, the true sentence is judged true and each altered one (a number, an actor of the
same document, a condition, a negation) false or left undecided, never true. Plus the readings
the harness and the visible failures asked for: units merged, a report called false, an actor
named twice, the shortest of tied places quoted."""

from __future__ import annotations

import pytest

from rag.verdicts import ClauseText, judge
from rag.verdicts.mergers import arrangement, claimed, merger_verdict
from tools.verdict_alterations import alter_actor, alter_condition, alter_negation, alter_number, cases

# A decree of my own: its clauses as (id, text), several actors, numbers, bounds and conditions.
DECREE = [
    (
        "d1",
        "1. Sở Tài chính thẩm định hồ sơ đề nghị hỗ trợ trong thời hạn 15 ngày làm việc kể từ ngày nhận đủ hồ sơ.",
    ),
    (
        "d2",
        "2. Ủy ban nhân dân cấp tỉnh phê duyệt danh sách hộ gia đình được hỗ trợ sửa chữa nhà ở trước ngày 30 hằng tháng.",
    ),
    ("d3", "3. Mức hỗ trợ tối đa là 40 triệu đồng đối với mỗi hộ gia đình có nhà ở bị sập đổ hoàn toàn."),
    (
        "d4",
        "4. Hộ gia đình đã được hỗ trợ từ chương trình khác thì không được hưởng chính sách quy định tại Điều này.",
    ),
    (
        "d5",
        "5. Trường hợp hồ sơ chưa đầy đủ, Ủy ban nhân dân cấp xã hướng dẫn người dân bổ sung trong thời hạn 03 ngày làm việc.",
    ),
    (
        "d6",
        "6. Bộ Xây dựng chủ trì, phối hợp với Bộ Tài chính hướng dẫn thiết kế mẫu nhà ở phòng, chống thiên tai.",
    ),
    (
        "d7",
        "7. Người đứng đầu cơ quan chi trả phải công khai danh sách hộ được hỗ trợ tại trụ sở trong thời gian ít nhất 07 ngày.",
    ),
    (
        "d8",
        "8. Kinh phí thực hiện do ngân sách trung ương bảo đảm 70% và ngân sách địa phương bảo đảm phần còn lại.",
    ),
]
CLAUSES = [ClauseText(text) for _, text in DECREE]


def _verdict(statement: str) -> bool | None:
    return judge(statement, CLAUSES).value


def test_the_generator_alters_one_fact_of_each_kind() -> None:
    import random

    rng = random.Random(1)
    sentence = "Mức hỗ trợ tối đa là 40 triệu đồng đối với mỗi hộ gia đình có nhà ở bị sập đổ hoàn toàn"
    number = alter_number(sentence, rng)
    assert number is not None and "40 triệu đồng" not in number[0] and "triệu đồng" in number[0]
    condition = alter_condition(sentence)
    assert condition is not None and "tối thiểu" in condition[0]
    negated = alter_negation("Hộ gia đình được hưởng chính sách quy định tại Điều này khi đủ điều kiện")
    assert negated is not None and "không được hưởng" in negated[0]
    swapped = alter_actor(
        "Sở Tài chính thẩm định hồ sơ đề nghị hỗ trợ trong thời hạn 15 ngày",
        ["Sở Tài chính", "Bộ Xây dựng"],
        rng,
    )
    assert swapped is not None and swapped[0].startswith("Bộ Xây dựng thẩm định")


def test_generated_cases_over_a_synthetic_decree_are_right_or_withheld() -> None:
    made = cases("decree.txt", "Nghị định mẫu", 0, DECREE, seed="synthetic")
    kinds = {c.kind for c in made}
    assert {"original", "number", "actor", "condition", "negation", "swapped", "swapped_altered"} <= kinds
    wrong, right = [], 0
    for case in made:
        got = _verdict(case.statement)
        expected = case.expected == "true"
        if got is None:
            continue
        if got == expected:
            right += 1
        else:
            wrong.append((case.kind, case.statement, got))
    assert not wrong
    assert right >= 0.7 * len(made)  # withholding everything is not the aim


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("Sở Tài chính thẩm định hồ sơ đề nghị hỗ trợ trong thời hạn 15 ngày làm việc", True),
        ("Sở Tài chính thẩm định hồ sơ đề nghị hỗ trợ trong thời hạn 30 ngày làm việc", False),
        ("Bộ Xây dựng thẩm định hồ sơ đề nghị hỗ trợ trong thời hạn 15 ngày làm việc", False),
        ("Mức hỗ trợ tối thiểu là 40 triệu đồng đối với mỗi hộ gia đình có nhà ở bị sập đổ hoàn toàn", False),
        (
            "Hộ gia đình đã được hỗ trợ từ chương trình khác thì được hưởng chính sách quy định tại Điều này",
            False,
        ),
    ],
)
def test_one_fact_altered(statement: str, expected: bool) -> None:
    assert _verdict(statement) is expected


def test_an_actor_named_twice_faces_the_clause_s_other_actor() -> None:
    clause = [
        ClauseText("Sở Y tế là cơ quan thường trực giúp Ủy ban nhân dân tỉnh theo dõi công tác tiêm chủng.")
    ]
    assert judge(
        "Sở Y tế là cơ quan thường trực giúp Ủy ban nhân dân tỉnh theo dõi công tác tiêm chủng", clause
    ).value
    twice = (
        "Ủy ban nhân dân tỉnh là cơ quan thường trực giúp Ủy ban nhân dân tỉnh theo dõi công tác tiêm chủng"
    )
    assert judge(twice, clause).value is False


# --- units merged ------------------------------------------------------------------------------

MERGERS = [
    "3. Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của thị trấn Bình Lộc và các xã An Khê, Phú Mỹ "
    "thành xã mới có tên gọi là xã Phú Mỹ.",
    "4. Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của các xã Tân Hòa, Tân Lợi và Đông Sơn thành xã "
    "mới có tên gọi là xã Bình Lộc.",
    "5. Nhập toàn bộ diện tích tự nhiên, quy mô dân số của phường Hải Đông vào phường Hải Tây.",
]


def test_a_clause_arranging_units_reads_as_who_goes_into_what() -> None:
    first = arrangement(MERGERS[0])
    assert first is not None
    assert first.members == {"thi tran binh loc", "xa an khe", "xa phu my"} and first.into == "xa phu my"
    joined = arrangement(MERGERS[2])
    assert joined is not None and joined.members == {"phuong hai dong", "phuong hai tay"}
    assert arrangement("Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết này.") is None


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("thị trấn Bình Lộc được nhập vào xã Phú Mỹ", True),
        ("thị trấn Bình Lộc được nhập vào xã Bình Lộc mới", False),  # the commune of its name is another one
        ("xã Bình Lộc mới gồm các xã Tân Hòa, Tân Lợi và Đông Sơn", True),
        ("xã An Khê thuộc xã Bình Lộc mới", False),
        ("phường Hải Đông sáp nhập vào phường Hải Tây", True),
        ("xã Long Điền được nhập vào xã Phú Mỹ", None),  # no clause takes it in
        ("thị trấn Bình Lộc không được nhập vào xã Phú Mỹ", None),  # negated: not read as a merger
    ],
)
def test_merger_statements(statement: str, expected: bool | None) -> None:
    found = merger_verdict(statement, MERGERS)
    assert (found[0] if found else None) is expected
    if expected is not None:
        assert judge(f"Theo nghị quyết, {statement}", [ClauseText(m) for m in MERGERS]).value is expected


def test_a_unit_s_name_ends_at_a_lower_case_word() -> None:
    said = claimed("xã Ông Đình ở huyện cũ được nhập vào xã Ấp Bắc mới")
    assert said is not None and said.members == {"xa ong dinh"} and said.into == "xa ap bac"


def test_a_statement_not_about_units_merged_is_not_read_as_one() -> None:
    assert claimed("Sở Tài chính thẩm định hồ sơ trong thời hạn 15 ngày làm việc") is None


# --- a report the document calls false ------------------------------------------------------------

RUMOUR = ClauseText(
    "Thời gian qua, trên mạng xã hội xuất hiện thông tin sai sự thật về việc thành phố sẽ cấm xe máy vào "
    "nội đô từ năm 2027, gây hoang mang trong Nhân dân."
)
OTHER = ClauseText(
    "Sở Giao thông vận tải tổ chức lấy ý kiến Nhân dân về phương án phát triển giao thông công cộng."
)


def test_a_statement_retelling_a_report_called_false_is_false() -> None:
    verdict = judge("Thành phố sẽ cấm xe máy vào nội đô từ năm 2027", [OTHER, RUMOUR])
    assert verdict.value is False and verdict.index == 1 and verdict.reason == "denied"


def test_a_statement_saying_the_report_is_false_is_not_contradicted_by_it() -> None:
    said = "Thông tin thành phố sẽ cấm xe máy vào nội đô từ năm 2027 là thông tin sai sự thật"
    assert judge(said, [OTHER, RUMOUR]).value is not False


def test_a_report_called_false_with_another_number_decides_nothing() -> None:
    assert judge("Thành phố sẽ cấm xe máy vào nội đô từ năm 2030", [OTHER, RUMOUR]).value is None


# --- the place quoted ------------------------------------------------------------------------------


def test_of_tied_places_the_shortest_is_the_deciding_one() -> None:
    sentence = "Khi tính thời gian công tác, nếu có tháng lẻ thì đủ 6 tháng trở lên được tính tròn một năm."
    article = ClauseText(
        "Điều 5. Chế độ trợ cấp một lần cho người đã nghỉ việc được tính như sau. " + sentence
    )
    verdict = judge(
        "Khi tính thời gian công tác, nếu có tháng lẻ thì đủ 6 tháng được tính tròn một năm",
        [article, ClauseText(sentence)],
    )
    assert verdict.value is True and verdict.index == 1


def test_counted_once_is_not_counted_many_times() -> None:
    clause = [
        ClauseText(
            "Phần khối lượng dùng chung giữa các hạng mục chỉ được tính một lần theo đơn giá cao nhất."
        )
    ]
    assert judge("Phần khối lượng dùng chung giữa các hạng mục được tính nhiều lần", clause).value is False
    assert judge("Phần khối lượng dùng chung giữa các hạng mục được tính một lần", clause).value is True


def test_a_banned_act_of_spreading_false_information_is_no_report() -> None:
    # "phát tán thông tin sai lệch" names a banned act; the clause reports nothing as false.
    banned = ClauseText("2. Phát tán thông tin sai lệch, gây mất đoàn kết nội bộ; tự ý bỏ vị trí công tác.")
    assert judge("Tự ý bỏ vị trí công tác", [banned]).value is True


def test_an_actor_named_twice_in_another_order_is_not_a_swap() -> None:
    clause = [
        ClauseText("c) Người đứng đầu, cấp phó của người đứng đầu trung tâm dữ liệu thuộc Bộ."),
        ClauseText(
            "2. Người đứng đầu trung tâm dữ liệu thuộc Bộ quyết định nâng bậc lương đối với cấp phó của người "
            "đứng đầu phòng trở xuống.",
            lead="Điều 9. Thẩm quyền quyết định nâng bậc lương",
        ),
    ]
    assert (
        judge("Cấp phó của người đứng đầu trung tâm dữ liệu thuộc Bộ, Người đứng đầu", clause).value
        is not False
    )
