from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.lexical import BM25, BM25Params, LexicalIndex, build_postings, tokenize, top_k, word_classes


def test_tokenizer_keeps_document_numbers_and_dates_whole() -> None:
    toks = tokenize(
        "Kế hoạch số 58/KH-UBND và 819/SKHCN-BCVT&CĐS, Nghị quyết 57-NQ/TW ngày 22/12/2024, hạn 1/10"
    )
    for t in ("58/kh-ubnd", "819/skhcn-bcvt&cđs", "57-nq/tw", "22/12/2024", "1/10", "58", "819", "57"):
        assert t in toks.word
    assert "819/skhcn-bcvt&cds" in toks.fold
    assert "kế_hoạch" in toks.word


def test_tokenizer_drops_stopwords_but_not_content_that_folds_alike() -> None:
    toks = tokenize("Đẩy mạnh truyền thông của các đơn vị")
    assert "của" not in toks.word and "các" not in toks.word
    assert "day" in toks.fold  # "đẩy" folds like the stopword "đây" but is content


def test_folded_field_matches_text_without_diacritics() -> None:
    index = LexicalIndex.build(
        [("a", "Kế hoạch 121 về chuyển đổi số"), ("b", "Báo cáo tình hình kinh tế"), ("c", "Quyết định khác")]
    )
    assert index.search("ke hoach 121", 3)[0][0] == "a"
    assert index.search("bao cao tinh hinh", 3)[0][0] == "b"
    ocr = LexicalIndex.build([("x", "Ke hoach trien khai chuyen doi so"), ("y", "Cong van gui So")])
    assert ocr.search("Kế hoạch triển khai", 2)[0][0] == "x"


def test_word_classes_tell_nouns_from_ways_of_asking() -> None:
    classes = word_classes("Giá vé xe buýt nội tỉnh là bao nhiêu và kế hoạch gồm những gì?")
    assert classes["xe_buýt"] == "N" and classes["giá"] == "N"
    assert classes["gồm"] == "V"


def test_bm25_scoring_matches_formula() -> None:
    counts = [{"a": 2, "b": 1}, {"b": 1}, {"c": 3}]
    p = BM25Params(method="lucene", k1=1.2, b=0.75)
    postings = build_postings(counts, p)
    idx, scores = postings["a"]
    n, df, avgdl = 3, 1, (3 + 1 + 3) / 3
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    expected = idf * 2 * (1.2 + 1) / (2 + 1.2 * (1 - 0.75 + 0.75 * 3 / avgdl))
    assert list(idx) == [0]
    assert scores[0] == pytest.approx(expected, rel=1e-5)
    plus = build_postings(counts, BM25Params(method="bm25plus", delta=0.5))
    assert plus["c"][1][0] > 0


def test_unknown_method_rejected() -> None:
    with pytest.raises(ValueError, match="unknown BM25 method"):
        BM25Params(method="tfidf")


def test_rebuild_reuses_counts_and_json_round_trip() -> None:
    first = LexicalIndex.build([("a", "Sở Tài chính chủ trì"), ("b", "Sở Xây dựng phối hợp")])
    second = LexicalIndex.build([("b", "Sở Xây dựng phối hợp"), ("c", "Ngân sách tỉnh")], previous=first)
    assert second.ids == ["b", "c"]
    assert second.counts["word"][0] is first.counts["word"][1]  # reused, not re-tokenized
    loaded = LexicalIndex.from_json(json.loads(json.dumps(second.to_json(), ensure_ascii=False)))
    assert loaded.search("ngân sách", 2) == second.search("ngân sách", 2)


def test_mask_and_top_k() -> None:
    index = LexicalIndex.build([("a", "báo cáo tháng"), ("b", "báo cáo quý")])
    assert {d for d, _ in index.search("báo cáo", 5)} == {"a", "b"}
    assert [d for d, _ in index.search("báo cáo", 5, mask=np.array([False, True]))] == ["b"]
    assert top_k(["x", "y", "z"], np.array([0.5, 2.0, 0.0]), 3) == [("y", 2.0), ("x", 0.5)]


def test_saved_arrays_score_as_the_postings_built_in_memory(tmp_path: Path) -> None:
    texts = [
        ("a", "Sở Tài chính chủ trì, phối hợp Sở Xây dựng thẩm định kinh phí"),
        ("b", "Sở Xây dựng phối hợp rà soát quy hoạch đô thị", "Kế hoạch 12/KH-UBND ; Mục II"),
        ("c", "Ngân sách tỉnh bố trí kinh phí thực hiện kế hoạch"),
        ("d", ""),
    ]
    built = LexicalIndex.build(texts)
    built.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    assert loaded.ids == built.ids and loaded.hashes == built.hashes
    for query in ("kinh phí sở xây dựng", "ke hoach 12", "quy hoạch đô thị", "không có từ này"):
        # Scores from the mapped counts equal those of postings precomputed per (term, text).
        expected = sum(
            built.weights[f] * BM25(built.params).fit(list(built.counts[f])).score(terms, 4)
            for f, terms in (
                ("word", tokenize(query).word),
                ("fold", tokenize(query).fold),
                ("ctx", tokenize(query).fold),
            )
        )
        assert np.array_equal(loaded.scores(query), built.scores(query))
        assert np.allclose(loaded.scores(query), expected, rtol=1e-6)
    assert [dict(b) for b in loaded.counts["word"]] == [dict(b) for b in built.counts["word"]]
    assert loaded.vocabulary("word") == frozenset().union(*built.counts["word"])
    # A writer reuses a loaded index's counts; a subset has its own statistics.
    again = LexicalIndex.build(texts[:2], previous=loaded)
    assert again.search("kinh phí", 2) == built.subset({"a", "b"}).search("kinh phí", 2)


def test_old_json_format_still_loads(tmp_path: Path) -> None:
    built = LexicalIndex.build([("a", "báo cáo tháng"), ("b", "báo cáo quý")])
    (tmp_path / "bm25.json").write_text(json.dumps(built.to_json(), ensure_ascii=False), encoding="utf-8")
    assert LexicalIndex.load(tmp_path).search("báo cáo quý", 2) == built.search("báo cáo quý", 2)


def test_a_subset_of_a_mapped_index_scores_as_one_built_from_its_texts(tmp_path: Path) -> None:
    texts = [
        ("a", "Sở Tài chính chủ trì thẩm định kinh phí"),
        ("b", "Sở Xây dựng phối hợp rà soát quy hoạch"),
        ("c", "Ngân sách tỉnh bố trí kinh phí"),
        ("d", "Sở Tài chính hướng dẫn quyết toán kinh phí"),
    ]
    LexicalIndex.build(texts).save(tmp_path)
    mapped = LexicalIndex.load(tmp_path).subset({"d", "a", "zz"})
    fresh = LexicalIndex.build([texts[0], texts[3]])
    assert mapped.ids == ["a", "d"]
    for query in ("kinh phí sở tài chính", "quyết toán", "quy hoạch"):
        assert np.array_equal(mapped.scores(query), fresh.scores(query))
    assert [dict(b) for b in mapped.counts["fold"]] == fresh.counts["fold"]
    assert mapped.vocabulary("word") == fresh.vocabulary("word")


def test_subset_scores_equal_a_subset_index_without_building_one() -> None:
    """A document's own BM25 (local search): the rows' statistics alone, the same float32 values
    a subset index computes, for the query's terms only."""
    texts = [
        ("a:1", "Sở Tài chính chủ trì rà soát kinh phí thực hiện kế hoạch"),
        ("b:1", "Sở Xây dựng phối hợp rà soát quy hoạch chợ đầu mối"),
        ("a:2", "Kinh phí thực hiện từ ngân sách tỉnh và nguồn xã hội hóa"),
        ("b:2", "Ủy ban nhân dân các xã báo cáo kết quả trước ngày 15/12"),
        ("a:3", "Sở Tài chính tổng hợp kinh phí, báo cáo Ủy ban nhân dân tỉnh"),
    ]
    index = LexicalIndex.build(texts)
    ids = {"a:1", "a:2", "a:3"}
    rows = index.rows_of(ids)
    assert [index.ids[r] for r in rows] == ["a:1", "a:2", "a:3"]
    for query in ("kinh phí thực hiện", "Sở Tài chính báo cáo", "chợ đầu mối", "ngân sách tỉnh 15/12"):
        toks = tokenize(query)
        expected = index.subset(ids).token_scores(toks)
        assert np.array_equal(index.subset_scores(rows, toks), expected), query
    assert not index.subset_scores(index.rows_of([]), tokenize("kinh phí")).size
