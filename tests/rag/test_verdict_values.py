"""rag/verdicts/values.py and the fixes around it: choices that are values picked by the clause about
the stem's subject; a negation agreeing only with the clause's negation of the same word; a claim's
source cut where it names another document. Synthetic texts written for these tests."""

from __future__ import annotations

from rag.verdicts import ClauseText, choose, compare, judge
from rag.verdicts.tokens import claim
from rag.verdicts.values import pick_value

# Two articles state a coefficient for the same age group; only one is about care in a shelter.
SHELTER = ClauseText(
    "a) Hệ số 3,0 đối với người dưới 06 tuổi.",
    "Nghị quyết về chính sách bảo trợ Điều 9. Người được chăm sóc tại cơ sở bảo trợ của tỉnh",
    "2. Hệ số xác định mức hỗ trợ chăm sóc tại cơ sở bảo trợ hằng tháng",
)
SHELTER_OLDER = ClauseText(
    "b) Hệ số 2,0 đối với người từ đủ 06 tuổi trở lên.",
    SHELTER.heading,
    SHELTER.lead,
)
COMMUNITY = ClauseText(
    "a) Người dưới 6 tuổi: 1.8",
    "Nghị quyết về chính sách bảo trợ Điều 4. Trợ cấp hằng tháng tại cộng đồng",
    "2. Hệ số trợ cấp hằng tháng:",
)
RATE = ClauseText("2. Phí thẩm định hồ sơ điều chỉnh giảm từ 1,2%/năm xuống 0,9%/năm kể từ ngày 01/3/2026.")
STEM = "Hệ số hỗ trợ chăm sóc tại cơ sở bảo trợ hằng tháng cho người dưới 6 tuổi là"
COEFFICIENTS = [("A", "1,8"), ("B", "2,0"), ("C", "3,0"), ("D", "6,0")]


def test_the_value_of_the_clause_about_the_subject_is_picked() -> None:
    clauses = [COMMUNITY, SHELTER_OLDER, SHELTER]
    pick = pick_value(STEM, COEFFICIENTS, clauses, margin=0.1, least=0.4)
    assert pick is not None and (pick.letter, pick.index) == ("C", 2)
    # "06 tuổi" is the stem's own number: the choice "6,0" is not stated by it.
    assert choose(STEM, COEFFICIENTS, clauses).letter == "C"


def test_no_value_picked_when_two_clauses_speak_of_the_subject_alike() -> None:
    twin = ClauseText("a) Hệ số 2,5 đối với người dưới 06 tuổi.", SHELTER.heading, SHELTER.lead)
    choices = [("A", "2,5"), ("B", "3,0"), ("C", "4,0")]
    assert pick_value(STEM, choices, [SHELTER, twin], margin=0.1, least=0.4) is None
    # Statements are no values: left to the statement verdicts.
    statements = [("A", "Hệ số 3,0 áp dụng cho người dưới 06 tuổi tại cơ sở"), ("B", "Không có hệ số")]
    assert pick_value(STEM, statements, [SHELTER], margin=0.1, least=0.4) is None


def test_a_changed_value_is_read_before_or_after_the_change() -> None:
    choices = [("A", "1,2%/năm"), ("B", "0,9%/năm"), ("C", "0,6%/năm")]
    after = "Phí thẩm định hồ sơ sau khi điều chỉnh là"
    before = "Phí thẩm định hồ sơ trước khi điều chỉnh là"
    assert choose(after, choices, [RATE]).letter == "B"
    assert choose(before, choices, [RATE]).letter == "A"
    assert pick_value("Phí thẩm định hồ sơ là", choices, [RATE], margin=0.1, least=0.4) is None


def test_a_negation_agrees_only_with_the_negation_of_the_same_word() -> None:
    clause = ClauseText(
        "Học sinh mồ côi (hoặc không xác định được) cha hoặc mẹ; học sinh có cha hoặc mẹ đang đi làm xa."
    )
    said = compare("Học sinh không có cha hoặc mẹ đang đi làm xa", clause)
    assert [c.kind for c in said.conflicts] == ["negation"]
    plain = compare("Học sinh có cha hoặc mẹ đang đi làm xa", clause)
    assert not plain.conflicts


def test_a_source_naming_another_document_after_its_comma_is_the_claim() -> None:
    said = (
        "Theo Quyết định 12 của tỉnh, Chỉ thị số 08-CT/TU ngày 05/5/2024 của Tỉnh ủy được tiếp tục thực hiện"
    )
    assert claim(said).startswith("Chỉ thị số 08-CT/TU ngày 05/5/2024")
    assert claim("Theo Luật Thư viện, lưu trữ 2030, thư viện được mở cửa") == "thư viện được mở cửa"


# A statement retold in another order: its act negated on one side only.
FEES = ClauseText("5. Không thu phí hồ sơ khám sức khỏe giữa các bệnh viện công lập trong tỉnh.")
SHARING = ClauseText(
    "4. Việc gửi hồ sơ khám sức khỏe giữa các bệnh viện công lập trong tỉnh thực hiện qua hệ thống."
)
PAUSED = ClauseText("- Dừng chức năng cấp giấy phép lái xe cho người học tại các trung tâm sát hạch tư nhân.")


def test_a_reordered_statement_affirming_what_the_clause_negates_is_false() -> None:
    said = "Giữa các bệnh viện công lập trong tỉnh, hồ sơ khám sức khỏe được thu phí"
    verdict = judge(said, [SHARING, FEES])
    assert verdict.value is False and verdict.index == 1 and verdict.reason == "negation"
    stopped = judge("Người học tại các trung tâm sát hạch tư nhân vẫn được cấp giấy phép lái xe", [PAUSED])
    assert stopped.value is False


def test_a_reordered_statement_negating_alike_is_not_false() -> None:
    said = "Hồ sơ khám sức khỏe gửi giữa các bệnh viện công lập trong tỉnh không bị thu phí"
    assert judge(said, [SHARING, FEES]).value is not False
    # Folded "chua" is also "chứa", "Chùa": no negation there.
    name = ClauseText("Sắp xếp thị trấn Hồ Chùa và xã Tân Lập thành xã mới có tên gọi là xã Hồ Chùa.")
    assert judge("Thị trấn Hồ Chùa được nhập vào xã Tân Lập", [name]).value is not False


def test_no_verdict_from_the_act_when_a_clause_as_close_says_it_as_the_statement() -> None:
    affirmed = ClauseText(
        "Các bệnh viện công lập trong tỉnh thu phí hồ sơ khám sức khỏe gửi cho nhau theo bảng giá."
    )
    said = "Giữa các bệnh viện công lập trong tỉnh, hồ sơ khám sức khỏe được thu phí"
    assert judge(said, [FEES]).value is False
    assert judge(said, [FEES, affirmed]).value is not False
    # A condition the clause does not make may be the exception it leaves open.
    conditional = (
        "Nếu được người bệnh đồng ý, các bệnh viện công lập trong tỉnh được thu phí hồ sơ khám sức khỏe"
    )
    assert judge(conditional, [FEES]).value is None
