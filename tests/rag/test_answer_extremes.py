"""rag/answer/extremes.py: "… nào nhiều nhất / ít nhất / cao nhất / thấp nhất" answered by the row
of a table holding the extreme value of the asked column. Synthetic tables written for these tests."""

from __future__ import annotations

from rag.answer.extremes import extreme_row, table_of
from rag.reading import read
from tests.rag.lineage_docs import parse_text
from tests.support import assistant_over

PLAN = (
    "ỦY BAN NHÂN DÂN TỈNH BÌNH AN\nSố: 31/QĐ-UBND\nBình An, ngày 05 tháng 3 năm 2026\nQUYẾT ĐỊNH\n"
    "VỀ VIỆC PHÂN BỔ KINH PHÍ TRỒNG RỪNG NĂM 2026\n"
    "Điều 1. Phân bổ kinh phí trồng rừng năm 2026 cho các huyện (chi tiết theo Phụ lục kèm theo).\n"
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"
    "PHỤ LỤC\nPHÂN BỔ KINH PHÍ TRỒNG RỪNG NĂM 2026\n"
    "STT | Huyện | Diện tích trồng mới (ha) | Kinh phí (triệu đồng)\n"
    "1 | Huyện Đông Sơn | 120 | 4.800\n"
    "2 | Huyện Tây Lĩnh | 45 | 9.350\n"
    "3 | Huyện Nam Khê | 310 | 2.100\n"
    "4 | Huyện Bắc Hà | 75 | 6.020\n"
    "Tổng cộng | 550 | 22.270\n"
)


def _table():
    doc = parse_text(PLAN, "qd31.txt")
    row = next(c for c in doc.clauses if c.kind == "table" and "Tây Lĩnh" in c.text)
    table = table_of(row, doc.clauses)
    assert table is not None
    return table


def test_the_row_is_picked_by_the_column_the_question_names() -> None:
    table = _table()
    assert table.header[1:] == ["Huyện", "Diện tích trồng mới (ha)", "Kinh phí (triệu đồng)"]
    money = {"kinh", "phi"}
    area = {"dien", "tich"}
    assert "Tây Lĩnh" in extreme_row(table, money, most=True).text
    assert "Nam Khê" in extreme_row(table, money, most=False).text
    assert "Nam Khê" in extreme_row(table, area, most=True).text
    assert "Tây Lĩnh" in extreme_row(table, area, most=False).text
    # The total row sums the others: never the largest row.
    assert all("Tổng" not in r.text for r in table.rows if r is extreme_row(table, money, most=True))
    # The question names no numeric column: not about this table's values; one word of each: a tie.
    assert extreme_row(table, {"huyen"}, most=True) is None
    assert extreme_row(table, {"huyen", "trong", "phi"}, most=True) is None


def test_the_cue_reads_which_one_has_the_most_or_the_least() -> None:
    assert read("Huyện nào được phân bổ kinh phí nhiều nhất?").has("asks_most")
    assert read("Huyện nào có diện tích trồng mới thấp nhất?").has("asks_least")
    bound = read("Mỗi huyện trồng ít nhất 40 ha rừng phải không?")
    assert not bound.has("asks_least") and not bound.has("asks_most")


def test_a_superlative_question_is_answered_with_the_row(tmp_path) -> None:
    assistant = assistant_over(tmp_path, {"qd31.txt": PLAN})
    answer = assistant.ask(
        "Trong phụ lục phân bổ kinh phí trồng rừng, huyện nào được phân bổ kinh phí ít nhất?"
    )
    assert not answer.abstained and "Nam Khê" in answer.answer and "2.100" in answer.answer
    answer = assistant.ask(
        "Huyện nào có diện tích trồng mới nhiều nhất theo phụ lục phân bổ kinh phí trồng rừng?"
    )
    assert not answer.abstained and "Nam Khê" in answer.answer and "310" in answer.answer


def test_a_lone_numeric_column_the_question_does_not_name_is_not_asked() -> None:
    doc = parse_text(
        PLAN.replace("Diện tích trồng mới (ha) | Kinh phí (triệu đồng)", "Dân số (người) | Ghi chú")
        .replace(" | 4.800", " | mới")
        .replace(" | 9.350", " | mới")
        .replace(" | 2.100", " | cũ")
        .replace(" | 6.020", " | cũ"),
        "qd31.txt",
    )
    row = next(c for c in doc.clauses if c.kind == "table" and "Tây Lĩnh" in c.text)
    table = table_of(row, doc.clauses)
    assert table is not None
    assert "Nam Khê" in extreme_row(table, {"dan", "so"}, most=True).text
    assert extreme_row(table, {"huyen", "rung"}, most=True) is None
