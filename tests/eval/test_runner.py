import json
from pathlib import Path

import pytest

from eval.gold import GoldItem, load_gold
from eval.metrics import score
from eval.predictions import read_predictions
from eval.runner import baseline_corpus_warnings, missing_source_warnings, parse_modes
from rag.cli import main
from rag.errors import PolicyQAError

PLAN = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
Số: 12/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Quảng Ngãi, ngày 05 tháng 3 năm 2025
KẾ HOẠCH
Chuyển đổi số trong cơ quan nhà nước năm 2025
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Nâng cao hiệu quả quản lý nhà nước và chất lượng phục vụ người dân, doanh nghiệp bằng công nghệ số.
2. Yêu cầu
Các nhiệm vụ phải cụ thể, có đơn vị thực hiện và thời gian hoàn thành rõ ràng.
II. NHIỆM VỤ
1. Xây dựng kho dữ liệu dùng chung của tỉnh
- Đơn vị thực hiện: Sở Tài chính.
- Thời gian thực hiện: Quý III năm 2025.
2. Đào tạo kỹ năng số cho cán bộ, công chức cấp xã
- Đơn vị thực hiện: Sở Nội vụ.
- Thời gian thực hiện: Thường xuyên.
3. Nâng cấp Cổng dịch vụ công trực tuyến của tỉnh
- Đơn vị thực hiện: Văn phòng UBND tỉnh.
- Thời gian thực hiện: Tháng 10 năm 2025.
4. Tuyên truyền về chuyển đổi số trên báo, đài phát thanh và truyền hình
- Đơn vị thực hiện: Báo và Phát thanh, Truyền hình Quảng Ngãi.
- Thời gian thực hiện: Hằng tháng.
III. TỔ CHỨC THỰC HIỆN
Các sở, ban, ngành, UBND các xã, phường căn cứ Kế hoạch này xây dựng kế hoạch của đơn vị, báo cáo kết quả
về Sở Khoa học và Công nghệ trước ngày 15 tháng 12 năm 2025 để tổng hợp, báo cáo UBND tỉnh.
Nơi nhận:
- Các sở, ban, ngành tỉnh;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn A
"""

GOLD = [
    {
        "id": "t1",
        "question": "Đơn vị nào thực hiện nhiệm vụ xây dựng kho dữ liệu dùng chung?",
        "keys": [["Sở Tài chính"]],
        "sources": ["plan.txt"],
        "evidence": ["Đơn vị thực hiện: Sở Tài chính"],
        "abstain": False,
        "type": "lead_unit",
    },
    {
        "id": "t2",
        "question": "Giá vé xe buýt nội tỉnh là bao nhiêu?",
        "keys": [],
        "sources": [],
        "evidence": [],
        "abstain": True,
        "type": "abstain",
    },
    {
        "id": "t3",
        "question": "Bao nhiêu phiếu đề xuất được tiếp nhận?",
        "keys": [["64"]],
        "sources": ["report.txt"],
        "evidence": ["tiếp nhận 64 phiếu"],
        "abstain": False,
        "type": "number",
    },
]


def test_parse_modes() -> None:
    assert parse_modes(None, "dense") == ["dense"]
    assert parse_modes("bm25, hybrid,bm25", "dense") == ["bm25", "hybrid"]
    with pytest.raises(PolicyQAError, match="unknown mode"):
        parse_modes("hybrid,sparse", "hybrid")


def test_missing_source_warnings() -> None:
    items = [
        GoldItem("a", "?", [["x"]], ["in.txt"], ["x"], False, "t"),
        GoldItem("b", "?", [["x"]], ["in.txt", "gone.txt"], ["x"], False, "t"),
        GoldItem("c", "?", [], [], [], True, "abstain"),
    ]
    assert missing_source_warnings(items, {"in.txt"}) == ["b: gold source(s) not in the index: gone.txt"]


def test_bad_gold_file_exits_2_naming_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(GOLD[0]) + "\n" + '{"id": "t2"}\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["eval", "--qa", str(gold), "--out", str(out), "--index", str(tmp_path / "idx")]) == 2
    assert f"{gold}:2: missing field 'question'" in capsys.readouterr().err
    assert not out.exists()


def test_baseline_corpus_must_be_the_indexed_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "plan.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sub" / "extra.md").write_text("x", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"x")
    assert baseline_corpus_warnings(tmp_path, {"plan.txt", "sub/extra.md"}) == []
    assert baseline_corpus_warnings(tmp_path, {"plan.txt", "gone.pdf"}) == [
        "indexed but not in the baseline corpus: gone.pdf",
        "in the baseline corpus but not indexed: sub/extra.md",
    ]
    with pytest.raises(PolicyQAError, match="holds none of the indexed documents"):
        baseline_corpus_warnings(tmp_path, {"01_other.txt"})
    with pytest.raises(PolicyQAError, match="corpus folder not found"):
        baseline_corpus_warnings(tmp_path / "nope", {"plan.txt"})


@pytest.fixture(scope="module")
def tiny_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("tiny")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "plan.txt").write_text(PLAN, encoding="utf-8")
    gold = root / "gold.jsonl"
    gold.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in GOLD), encoding="utf-8")
    index = root / "index"
    assert main(["ingest", str(corpus), "--index", str(index), "--no-progress"]) == 0
    return corpus, gold, index


@pytest.mark.slow
def test_eval_end_to_end(
    tiny_index: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, gold, index = tiny_index
    out = tmp_path / "out"
    argv = ["eval", "--qa", str(gold), "--out", str(out), "--index", str(index)]
    code = main([*argv, "--compare", "hybrid,bm25", "--baseline", "--corpus", str(corpus)])
    stdout = capsys.readouterr().out
    assert code == 0
    assert {p.name for p in out.iterdir()} == {
        "predictions.jsonl",
        "predictions-hybrid.jsonl",
        "predictions-bm25.jsonl",
        "predictions-search.jsonl",
        "predictions-baseline.jsonl",
        "predictions-baseline-bm25.jsonl",
        "report.json",
        "report.md",
        "report.png",
    }
    assert "baseline (LangChain tutorial)" in stdout.splitlines()[0]
    assert "baseline (BM25 chunks)" in stdout.splitlines()[0]
    assert "t3: gold source(s) not in the index: report.txt" in stdout

    items = load_gold(gold)
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert list(report["modes"]) == ["hybrid", "bm25", "search", "baseline", "baseline-bm25"]
    assert report["warnings"] == ["t3: gold source(s) not in the index: report.txt"]
    for key in ("hybrid", "bm25", "search", "baseline", "baseline-bm25"):
        predictions = read_predictions(out / f"predictions-{key}.jsonl")
        assert [p.id for p in predictions] == ["t1", "t2", "t3"]
        assert all(p.latency_ms > 0 for p in predictions)
        # The report is the scoring of exactly what was written.
        assert report["modes"][key]["overall"] == score(items, predictions).overall.to_dict()
        # Only one document is indexed: every citation must point into it.
        assert {c.source for p in predictions for c in p.citations} <= {"plan.txt"}

    hybrid = read_predictions(out / "predictions.jsonl")
    assert hybrid == read_predictions(out / "predictions-hybrid.jsonl")
    assert hybrid[0].citations and not hybrid[0].abstained
    assert all(c.text for c in hybrid[0].citations)

    for key in ("baseline", "baseline-bm25"):
        baseline = read_predictions(out / f"predictions-{key}.jsonl")
        assert not any(p.abstained for p in baseline)
        assert len(baseline[0].citations) >= 2  # the plan is longer than one 1000-character chunk
        assert all(c.locator.startswith("chunk ") for c in baseline[0].citations)
        assert baseline[0].answer == baseline[0].citations[0].text
    md = (out / "report.md").read_text("utf-8")
    assert (
        "| metric | hybrid | bm25 | policyqa search (top clause), hybrid | baseline (LangChain tutorial) | baseline (BM25 chunks) |"
        in md
    )
    assert "## Failures" in (out / "report.md").read_text("utf-8")


@pytest.mark.slow
def test_eval_with_only_the_bm25_peer_skips_the_dense_peer(
    tiny_index: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    corpus, gold, index = tiny_index
    out = tmp_path / "out"
    argv = ["eval", "--qa", str(gold), "--out", str(out), "--index", str(index), "--baseline"]
    assert main([*argv, "--peers", "bm25", "--corpus", str(corpus)]) == 0
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert list(report["modes"]) == ["hybrid", "search", "baseline-bm25"]
    assert not (out / "predictions-baseline.jsonl").exists()
