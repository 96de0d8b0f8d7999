"""A yes/no statement whose bound the clause states the other way ("trở xuống" for "trở lên") is
answered "Sai." from that clause: the bound is the verdict's to read, not a reason to abstain."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.pipeline import Assistant

pytestmark = pytest.mark.slow

RULES = """ỦY BAN NHÂN DÂN TỈNH MẪU
Số: 12/2026/QĐ-UBND
QUYẾT ĐỊNH
Ban hành Quy định hỗ trợ học nghề cho lao động nông thôn
Điều 1. Đối tượng hỗ trợ
1. Lao động nông thôn từ đủ 18 tuổi trở lên có nhu cầu học nghề trình độ sơ cấp.
2. Người khuyết tật có giấy xác nhận mức độ khuyết tật do Ủy ban nhân dân cấp xã cấp.
Điều 2. Mức hỗ trợ
1. Mức hỗ trợ chi phí đào tạo không quá 04 triệu đồng cho một người một khóa học.
2. Thời gian học nghề được hỗ trợ tối thiểu 03 tháng.
"""


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    from rag.ingest import ingest_paths

    docs = tmp_path_factory.mktemp("bound-docs")
    (docs / "qd12.txt").write_text(RULES, encoding="utf-8")
    index = tmp_path_factory.mktemp("bound-idx") / "idx"
    assert not ingest_paths([Path(docs)], index, progress=False).errors
    return Assistant.open(index)


@pytest.mark.parametrize(
    "question",
    [
        "Lao động nông thôn từ đủ 18 tuổi trở xuống có nhu cầu học nghề trình độ sơ cấp được hỗ trợ, đúng không?",
        "Mức hỗ trợ chi phí đào tạo không dưới 04 triệu đồng cho một người một khóa học, đúng hay sai?",
    ],
)
def test_a_bound_stated_the_other_way_is_false(rules: Assistant, question: str) -> None:
    answer = rules.ask(question)
    assert not answer.abstained
    assert answer.answer.startswith("Sai.")
    assert answer.citations[0].locator.startswith("Điều")
