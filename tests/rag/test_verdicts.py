"""rag/verdicts: a statement against the clause that states its provision, one fact at a time."""

from __future__ import annotations

import pytest

from rag.verdicts import ClauseText, choose, compare, hypothesis, judge
from rag.verdicts.tokens import actors, claim, negation_positions, relations, texts, tokens

STORAGE = ClauseText(
    "Thời hạn lưu trữ thông điệp dữ liệu tối thiểu là 05 năm kể từ ngày khởi tạo, trừ trường hợp pháp luật "
    "có quy định khác.",
    "Điều 9. Lưu trữ thông điệp dữ liệu",
)
SECRECY = ClauseText(
    "Tổ chức cung cấp dịch vụ tin cậy không được tiết lộ thông tin của khách hàng, trừ trường hợp pháp luật "
    "có quy định khác.",
    "Điều 11. Nghĩa vụ của tổ chức cung cấp dịch vụ tin cậy",
)
BANNED = ClauseText(
    "Giả mạo chữ ký điện tử của cơ quan, tổ chức, cá nhân khác.", lead="Điều 12. Những hành vi bị nghiêm cấm"
)
AGENCY = ClauseText(
    "Bộ Nội vụ là cơ quan đầu mối giúp Chính phủ thực hiện quản lý nhà nước về việc làm.", "Điều 6"
)
LEVEL = ClauseText(
    "Ủy ban nhân dân cấp tỉnh quyết định thành lập trung tâm dịch vụ việc làm công trên địa bàn.", "Điều 20"
)
PERIOD = ClauseText(
    "Thời gian hưởng trợ cấp thất nghiệp được tính theo số tháng đóng bảo hiểm thất nghiệp, cứ đóng đủ 12 tháng "
    "đến đủ 36 tháng thì được hưởng 03 tháng trợ cấp thất nghiệp, sau đó cứ đóng đủ thêm 12 tháng thì được hưởng "
    "thêm 01 tháng trợ cấp thất nghiệp nhưng thời gian hưởng trợ cấp thất nghiệp tối đa 12 tháng.",
    "Điều 39. Thời gian hưởng trợ cấp thất nghiệp",
)
IN_FORCE = ClauseText(
    "Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2025.", "Luật GIAO DỊCH MẪU Điều 13"
)
LAW = [STORAGE, SECRECY, BANNED, AGENCY, LEVEL, PERIOD, IN_FORCE]


def test_tokens_write_numbers_and_dates_one_way() -> None:
    assert texts(tokens("05 năm, 10.000.000 đồng, 0,50 ngày, 2 phần trăm, 01/7/2025")) == [
        "5",
        "nam",
        "10000000",
        "dong",
        "0.5",
        "ngay",
        "2",
        "%",
        "1/7/2025",
    ]
    assert texts(tokens("ngày 01 tháng 7 năm 2025")) == ["ngay", "1/7/2025"]


def test_negation_bounds_are_not_negations() -> None:
    words = texts(tokens("không được tiết lộ; không quá 12 tháng; hành vi bị nghiêm cấm; cam kết"))
    assert [words[i] for i in negation_positions(words)] == ["khong", "cam"]
    allowed = texts(tokens("hoạt động tạo ra thu nhập mà pháp luật không cấm"))
    assert len(negation_positions(allowed)) == 2  # a double negation: allowed


def test_actors_keep_their_name_and_level() -> None:
    keys = [k for _, _, k in actors(tokens("Bộ trưởng Bộ Tư pháp và UBND cấp xã, người sử dụng lao động"))]
    assert keys == ["bo truong bo tu", "uy ban nhan dan cap xa", "nguoi su dung lao dong"]


def test_relations_are_read_with_their_marks() -> None:
    assert [r for _, _, r in relations(tokens("lưu trữ tối đa 5 năm, trừ trường hợp"))] == [
        ("tối", "đa"),
        ("trừ",),
    ]


def test_the_claim_leaves_out_the_source_it_names() -> None:
    assert claim("Theo Luật Việc làm 2025, người lao động đóng 1%") == "người lao động đóng 1%"
    assert claim("Theo quy định tại khoản 2 Điều 5, tổ chức phải …") == "tổ chức phải …"
    assert claim("Theo em, câu này đúng") == "Theo em, câu này đúng"


@pytest.mark.parametrize(
    ("statement", "value", "reason"),
    [
        ("Thời hạn lưu trữ thông điệp dữ liệu tối thiểu là 05 năm", True, ""),
        ("thoi han luu tru thong diep du lieu toi thieu la 5 nam", True, ""),
        ("Thời hạn lưu trữ thông điệp dữ liệu tối thiểu là 10 năm", False, "quantity"),
        ("Thời hạn lưu trữ thông điệp dữ liệu tối đa là 05 năm", False, "condition"),
        ("Tổ chức cung cấp dịch vụ tin cậy được tiết lộ thông tin của khách hàng", False, "negation"),
        ("Tổ chức cung cấp dịch vụ tin cậy không được tiết lộ thông tin của khách hàng", True, ""),
        ("Giả mạo chữ ký điện tử là hành vi bị nghiêm cấm", True, ""),
        (
            "Bộ Tài chính là cơ quan đầu mối giúp Chính phủ thực hiện quản lý nhà nước về việc làm",
            False,
            "actor",
        ),
        ("Ủy ban nhân dân cấp xã quyết định thành lập trung tâm dịch vụ việc làm công", False, "actor"),
        ("Thời gian hưởng trợ cấp thất nghiệp tối đa là 36 tháng", False, "quantity"),
        ("Thời gian hưởng trợ cấp thất nghiệp tối đa là 12 tháng", True, ""),
        ("Luật này có hiệu lực thi hành từ ngày 01/01/2025", False, "date"),
        ("Luật này có hiệu lực thi hành từ ngày 01/7/2025", True, ""),
    ],
)
def test_a_statement_is_judged_by_the_clause_of_its_provision(
    statement: str, value: bool, reason: str
) -> None:
    verdict = judge(statement, LAW)
    assert verdict.value is value
    assert verdict.reason == reason


@pytest.mark.parametrize(
    "statement",
    [
        "Chữ ký điện tử có giá trị pháp lý như văn bản",  # no clause says so
        "Nếu được khách hàng đồng ý, tổ chức cung cấp dịch vụ tin cậy được tiết lộ thông tin",  # a condition
        "Thời hạn lưu trữ hồ sơ thuế tối thiểu là 10 năm",  # another provision
    ],
)
def test_a_statement_no_clause_states_plainly_gets_no_verdict(statement: str) -> None:
    assert judge(statement, LAW).value is None


def test_the_clause_that_states_it_word_for_word_decides_over_a_twin() -> None:
    twins = [
        ClauseText("Người lao động đóng tối đa bằng 1% tiền lương tháng."),
        ClauseText("Người sử dụng lao động đóng tối đa bằng 1% quỹ tiền lương tháng."),
    ]
    assert judge("Người sử dụng lao động đóng tối đa bằng 1% quỹ tiền lương tháng", twins).value is True
    assert judge("Người lao động đóng tối đa bằng 1% quỹ tiền lương tháng", twins).value is None


def test_a_negation_inside_the_clause_words_is_not_the_titles() -> None:
    duties = "Điều 14. Những việc cán bộ, công chức không được làm"
    clause = ClauseText("Trốn tránh, đùn đẩy trong việc thực hiện nhiệm vụ được giao.", lead=duties)
    assert judge("Trốn tránh, đùn đẩy trong việc thực hiện nhiệm vụ không được giao", [clause]).value is False
    assert judge(
        "Công chức không được trốn tránh, đùn đẩy trong việc thực hiện nhiệm vụ được giao", [clause]
    ).value


def test_a_number_in_its_place_not_anywhere_in_the_clause() -> None:
    found = compare("Thời gian hưởng trợ cấp thất nghiệp tối đa là 36 tháng", PERIOD)
    assert [c.kind for c in found.conflicts] == ["quantity"]


def test_a_choice_fills_the_slot_the_stem_asks() -> None:
    assert (
        hypothesis("Thời hạn lưu trữ tối thiểu là bao nhiêu năm?", "05")
        == "Thời hạn lưu trữ tối thiểu là 05 năm"
    )
    assert hypothesis("Cơ quan nào là đầu mối?", "Bộ Nội vụ") == "Bộ Nội vụ là đầu mối"
    assert hypothesis("Khoản tiền bằng:", "Sáu tháng lương") == "Khoản tiền bằng sáu tháng lương"


def test_the_stated_choice_is_picked() -> None:
    pick = choose(
        "Thời gian hưởng trợ cấp thất nghiệp tối đa là bao nhiêu tháng?",
        [("A", "06 tháng"), ("B", "12 tháng"), ("C", "24 tháng"), ("D", "36 tháng")],
        LAW,
    )
    assert pick.letter == "B"
    assert pick.verdicts["D"].value is False


def test_two_choices_equally_stated_are_not_picked() -> None:
    clauses = [ClauseText("Các chế độ gồm: a) Tư vấn việc làm; b) Trợ cấp thất nghiệp.")]
    pick = choose(
        "Chế độ nào thuộc các chế độ?", [("A", "Tư vấn việc làm"), ("B", "Trợ cấp thất nghiệp")], clauses
    )
    assert pick.letter is None


def test_all_of_the_named_choices() -> None:
    heading = "2. Thông điệp dữ liệu có giá trị như văn bản nếu đáp ứng các điều kiện sau:"
    clauses = [
        ClauseText(
            "a) Thông tin trong thông điệp dữ liệu có thể truy cập và sử dụng được để tham chiếu;",
            lead=heading,
        ),
        ClauseText(
            "b) Nội dung của thông điệp dữ liệu được bảo đảm toàn vẹn kể từ khi được khởi tạo.", lead=heading
        ),
    ]
    pick = choose(
        "Thông điệp dữ liệu có giá trị như văn bản khi đáp ứng điều kiện nào?",
        [
            ("A", "Thông tin có thể truy cập và sử dụng được để tham chiếu"),
            ("B", "Nội dung được bảo đảm toàn vẹn kể từ khi được khởi tạo"),
            ("C", "Cả A và B"),
        ],
        clauses,
    )
    assert (pick.letter, pick.named) == ("C", ("A", "B"))


def test_the_false_choice_when_asked_for_it() -> None:
    pick = choose(
        "",
        [
            ("A", "Thời hạn lưu trữ thông điệp dữ liệu tối thiểu là 05 năm"),
            ("B", "Tổ chức cung cấp dịch vụ tin cậy được tiết lộ thông tin của khách hàng"),
            ("C", "Giả mạo chữ ký điện tử là hành vi bị nghiêm cấm"),
        ],
        LAW,
        pick_false=True,
    )
    assert pick.letter == "B"


def test_a_statement_that_claims_what_the_clause_excepts_is_false() -> None:
    powers = ClauseText(
        "a) Viên chức giữ chức vụ trưởng khoa trở xuống, trừ hình thức cách chức và trừ trường hợp luật có quy định khác;",
        "Điều 8. Thẩm quyền xử lý kỷ luật",
        "1. Giám đốc bệnh viện quyết định kỷ luật đối với:",
    )
    claim_ = "Giám đốc bệnh viện được quyết định kỷ luật cách chức đối với viên chức giữ chức vụ trưởng khoa"
    verdict = judge(claim_, [powers])
    assert (verdict.value, verdict.reason) == (False, "condition")
    kept = "Giám đốc bệnh viện quyết định kỷ luật viên chức giữ chức vụ trưởng khoa, trừ hình thức cách chức"
    assert judge(kept, [powers]).value is not False


def test_a_statement_that_leaves_out_part_of_the_clause_is_still_its_provision() -> None:
    clause = ClauseText(
        "b) Trường hợp thu hồi xe chuyên dùng không mua bằng vốn vay đã được kiểm tra và xác nhận theo quy định tại "
        "khoản 3 Điều 7 Nghị định này, cơ quan thu hồi chi trả cho chủ xe một khoản bằng 04 tháng lương tối thiểu."
    )
    stem = "Thu hồi xe chuyên dùng (không mua bằng vốn vay) thì cơ quan thu hồi chi trả cho chủ xe một khoản bằng"
    pick = choose(stem, [("A", "02 tháng lương"), ("B", "04 tháng lương"), ("C", "08 tháng lương")], [clause])
    assert pick.letter == "B"


def test_the_choice_left_when_the_clause_contradicts_every_other() -> None:
    clause = ClauseText(
        "Nếu ca trực kéo dài quá 06 (sáu) giờ thì được tính thêm như sau: thời gian kéo dài dưới 01 (một) giờ thì "
        "cộng thêm 0,2 ca; từ 01 giờ trở lên thì cộng thêm 0,5 ca."
    )
    stem = "Trực quá 06 giờ và phần kéo dài dưới 01 giờ thì cộng thêm:"
    pick = choose(stem, [("A", "0,1 ca"), ("B", "0,2 ca"), ("C", "0,5 ca"), ("D", "1 ca")], [clause])
    assert pick.letter == "B"
    assert [pick.verdicts[x].value for x in "ACD"] == [False, False, False]


def test_choices_told_apart_by_their_own_words_in_the_one_clause_for_all() -> None:
    # The stem paraphrases the clause ("không thuộc trường hợp cảnh cáo" for "không thuộc điểm a"):
    # no choice is stated word for word, but only one choice's own number is in the clause.
    clause = ClauseText(
        "b) 08 năm đối với hành vi vi phạm không thuộc trường hợp quy định tại điểm a khoản này.",
        lead="1. Thời hiệu xử lý vi phạm được quy định như sau:",
    )
    stem = "Thời hiệu xử lý vi phạm đối với hành vi vi phạm không thuộc trường hợp cảnh cáo là bao lâu?"
    pick = choose(stem, [("A", "03 năm"), ("B", "06 năm"), ("C", "08 năm"), ("D", "12 năm")], [clause])
    assert pick.letter == "C"
    both = ClauseText(
        "b) 06 năm hoặc 08 năm đối với hành vi vi phạm không thuộc trường hợp quy định tại điểm a."
    )
    assert choose(stem, [("A", "03 năm"), ("B", "06 năm"), ("C", "08 năm")], [both]).letter is None
