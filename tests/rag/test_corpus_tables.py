"""Tables built once per view so a question looks things up instead of reading every document:
each must answer exactly what the pass over the text it replaces answered."""

from __future__ import annotations

import re

from rag.answer.corpus import CorpusView
from rag.answer.stats import ViewStats, initial_chains, initials_pattern, knows_initials
from rag.text import fold
from tests.rag.lineage_docs import FOLLOW_UP, TABLE_PLAN, parse_text

# Folded, as the view's text is.
TEXT = fold(
    "ban quản lý khu công nghiệp, khu chế xuất và khu kinh tế; sở khoa học và công nghệ. "
    "trung tâm dịch vụ việc làm - hỗ trợ doanh nghiệp vừa và nhỏ; văn phòng đăng ký đất đai"
)


def test_initials_are_looked_up_as_the_pattern_finds_them() -> None:
    chains = "\n".join(sorted(initial_chains(TEXT)))
    for letters in (
        "kcn",
        "kcx",
        "khcn",
        "skhvcn",
        "kkt",
        "dvvl",
        "htdn",
        "dnvvn",
        "dnvn",
        "vpdkdd",
        "ncn",
        "cnk",
    ):
        expected = re.search(rf"\b{initials_pattern(letters)}\b", TEXT) is not None
        assert knows_initials(chains, letters) is expected, letters
    assert knows_initials(chains, "khcn")  # "khoa học và công nghệ": "và" skipped
    assert not knows_initials(chains, "cnt")  # "công nghệ. trung tâm": a full stop ends the run


def test_a_words_share_of_documents_is_read_from_the_tables() -> None:
    view = CorpusView([parse_text(TABLE_PLAN, "plan.txt"), parse_text(FOLLOW_UP, "follow.txt")])
    stats = ViewStats(view, frozenset())
    stats.warm()
    docs = list(view.documents)
    for word in ("sở_công_thương", "chợ_đầu_mối", "kế_hoạch", "thương_nhân", "bảo_hiểm", "tỉnh", "quý_iv"):
        phrase = f" {word.replace('_', ' ')} "
        expected = sum(phrase in view.document_text(d) for d in docs) / len(docs)
        assert stats.document_share(word) == expected, word
    assert stats.document_share("kế_hoạch") == 1.0
    assert stats.document_share("bảo_hiểm") == 0.0


def test_task_clauses_by_number_and_field_value_keep_view_order() -> None:
    view = CorpusView([parse_text(TABLE_PLAN, "plan.txt"), parse_text(FOLLOW_UP, "follow.txt")])
    tasks = view.with_field("lead_unit")
    assert tasks
    for number in {n for c in tasks if (n := view.task_number(c)) is not None}:
        assert view.numbered_with_field("lead_unit", number) == [
            c for c in tasks if view.task_number(c) == number
        ]
    assert view.numbered_with_field("lead_unit", 999) == []
    for c in view.with_field("deadline"):
        assert c in view.with_field_value("deadline", c.fields["deadline"])
