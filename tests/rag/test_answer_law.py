"""Legal texts: Chương/Điều/Khoản/Điểm locators named in questions, definitions, penalties."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.pipeline import Assistant

pytestmark = pytest.mark.slow

LAW = Path(__file__).resolve().parents[1] / "data" / "law"


@pytest.fixture(scope="module")
def law(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    from rag.ingest import ingest_paths

    index = tmp_path_factory.mktemp("law") / "idx"
    assert not ingest_paths([LAW], index, progress=False).errors
    return Assistant.open(index)


def test_named_clause_answers_with_its_points(law: Assistant) -> None:
    answer = law.ask("Khoản 2 Điều 8 quy định gì?")
    assert not answer.abstained
    assert answer.citations[0].locator == "Điều 8 khoản 2"
    assert "truy cập" in answer.answer and "toàn vẹn" in answer.answer  # points a) and b)


def test_question_inside_a_named_article(law: Assistant) -> None:
    answer = law.ask("Theo Điều 3, chứng thư điện tử là gì?")
    assert answer.citations[0].locator == "Điều 3 khoản 2"
    assert "tổ chức cung cấp dịch vụ tin cậy" in answer.answer


def test_unmarked_question_and_penalty_amount(law: Assistant) -> None:
    answer = law.ask("muc phat tien doi voi to chuc vi pham quy dinh luu tru la bao nhieu")
    assert "10.000.000" in answer.answer and "20.000.000" in answer.answer
    assert answer.citations[0].locator == "Điều 10"


def test_article_the_law_does_not_have(law: Assistant) -> None:
    assert law.ask("Điều 99 quy định gì?").abstained


def test_a_law_named_by_its_year_answers_from_its_articles(law: Assistant) -> None:
    # The year is in the law's number (99/2024/QH15), not in the article that answers.
    answer = law.ask("Luật giao dịch điện tử mẫu năm 2024 áp dụng đối với những đối tượng nào?")
    assert not answer.abstained and "cơ quan, tổ chức, cá nhân" in answer.answer


def test_a_count_written_in_words_answers_a_how_many_question(tmp_path: Path) -> None:
    # No digit anywhere near the answer: the quantity is in words.
    from rag.ingest import ingest_paths

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "luat_thoi_hieu.txt").write_text(
        "ỦY BAN NHÂN DÂN TỈNH\nHƯỚNG DẪN\nVề thời hiệu mẫu\nI. QUY ĐỊNH CHUNG\n"
        "- Thời hiệu khởi kiện là hai năm kể từ ngày quyền lợi bị xâm phạm.\n"
        "- Hướng dẫn này có hiệu lực từ ngày ký.\n",
        encoding="utf-8",
    )
    assert not ingest_paths([tmp_path / "docs"], tmp_path / "idx", progress=False).errors
    answer = Assistant.open(tmp_path / "idx").ask("Thời hiệu khởi kiện là bao nhiêu năm?")
    assert not answer.abstained and "hai năm" in answer.answer
