import json
from pathlib import Path

import pytest
from PIL import Image

from eval.gold import GoldItem
from eval.metrics import score
from eval.predictions import PredictedCitation, Prediction, read_predictions
from eval.report import Run, format_summary, write_reports

ITEMS = [
    GoldItem(
        "p1",
        "Ai thực hiện nhiệm vụ 4?",
        [["Sở Khoa học"]],
        ["a.txt"],
        ["Đơn vị thực hiện: Sở"],
        False,
        "lead_unit",
    ),
    GoldItem("f1", "Bao nhiêu phiếu đề xuất?", [["64"]], ["b.txt"], ["tiếp nhận 64 phiếu"], False, "number"),
    GoldItem("x1", "Giá vé xe buýt?", [], [], [], True, "abstain"),
]
LONG = "Câu trả lời dài " + "rất " * 200  # well past the 300-character preview


def c(source: str, text: str, locator: str = "II.4") -> PredictedCitation:
    return PredictedCitation(source=source, locator=locator, text=text, score=0.9)


def predictions(f1_answer: str = LONG) -> list[Prediction]:
    return [
        Prediction(
            "p1",
            ITEMS[0].question,
            "Sở Khoa học và Công nghệ",
            False,
            [c("a.txt", "Đơn vị thực hiện: Sở KH")],
            12.0,
        ),
        Prediction(
            "f1",
            ITEMS[1].question,
            f1_answer,
            False,
            [c("b.txt", f"Đoạn {n} " + "x" * 200, f"III.{n}") for n in range(1, 5)],
            30.0,
        ),
        Prediction("x1", ITEMS[2].question, "Giá vé là 10.000 đồng", False, [], 20.0),
    ]


def run(key: str = "hybrid", label: str = "hybrid", preds: list[Prediction] | None = None) -> Run:
    preds = preds or predictions()
    return Run(key, label, preds, score(ITEMS, preds))


def test_writes_all_four_files_with_contract_fields(tmp_path: Path) -> None:
    written = write_reports(
        tmp_path / "out", ITEMS, [run()], warnings=["f1: gold source(s) not in the index: b.txt"]
    )
    names = sorted(p.name for p in written)
    assert names == ["predictions.jsonl", "report.json", "report.md", "report.png"]

    lines = (tmp_path / "out" / "predictions.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 3
    first = json.loads(lines[0])
    assert list(first) == ["id", "question", "answer", "abstained", "citations", "latency_ms", "strategy"]
    assert list(first["citations"][0]) == ["source", "locator", "text", "score"]
    assert "Sở" in lines[0]  # UTF-8, not \u escapes
    assert read_predictions(tmp_path / "out" / "predictions.jsonl") == predictions()


def test_report_json_has_overall_types_modes_failures(tmp_path: Path) -> None:
    write_reports(tmp_path, ITEMS, [run()], warnings=["w1"], meta={"qa": "gold.jsonl"})
    data = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert data["primary"] == "hybrid"
    assert data["overall"]["overall"] == pytest.approx(1 / 3)
    assert data["overall"]["answer_acc"] == 0.5
    assert data["by_type"]["abstain"]["abstain_recall"] == 0.0
    assert set(data["modes"]) == {"hybrid"}
    assert data["warnings"] == ["w1"] and data["meta"] == {"qa": "gold.jsonl"}
    failures = {f["id"]: f for f in data["failures"]["hybrid"]}
    assert set(failures) == {"f1", "x1"}
    assert failures["f1"]["failed"] == ["answer", "citation"]
    assert failures["x1"]["failed"] == ["abstain"]
    assert len(failures["f1"]["citations"]) == 3
    preview = failures["f1"]["answer"]
    assert 290 < len(preview) <= 301 and preview.endswith("…") and LONG.startswith(preview[:-1])
    assert len(failures["f1"]["citations"][0]["text"]) <= 121


def test_markdown_lists_every_failure_with_details(tmp_path: Path) -> None:
    write_reports(tmp_path, ITEMS, [run()], warnings=["f1: gold source(s) not in the index: b.txt"])
    md = (tmp_path / "report.md").read_text("utf-8")
    for heading in ("## Summary", "## Warnings", "## Per question type", "## Failures"):
        assert heading in md
    assert "| overall | 0.333 |" in md
    assert "| lead_unit | 1 |" in md
    failures = md.split("## Failures", 1)[1]
    assert "2 of 3 failed" in failures
    assert "#### f1 · number · failed: answer, citation" in failures
    assert "#### x1 · abstain · failed: abstain" in failures
    assert "p1 ·" not in failures
    assert "Bao nhiêu phiếu đề xuất?" in failures and "«64»" in failures
    assert "**Abstained:** no" in failures
    assert "`b.txt` · III.1 — Đoạn 1" in failures and "III.3" in failures and "III.4" not in failures
    answer_line = next(
        line for line in failures.splitlines() if line.startswith("- **Answer:**") and "dài" in line
    )
    assert len(answer_line) < len("- **Answer:** ") + 305


def test_chart_is_a_readable_png(tmp_path: Path) -> None:
    write_reports(tmp_path, ITEMS, [run()])
    with Image.open(tmp_path / "report.png") as img:
        assert img.format == "PNG"
        assert img.width >= 800 and img.height >= 300


def test_several_runs_side_by_side(tmp_path: Path) -> None:
    better = predictions(f1_answer="64 phiếu")
    better[1].citations.insert(0, c("b.txt", "đã tiếp nhận 64 phiếu đề xuất"))
    runs = [run("hybrid", "hybrid"), run("baseline", "baseline (LangChain tutorial)", better)]
    names = sorted(p.name for p in write_reports(tmp_path, ITEMS, runs))
    assert names == [
        "predictions-baseline.jsonl",
        "predictions-hybrid.jsonl",
        "predictions.jsonl",
        "report.json",
        "report.md",
        "report.png",
    ]
    assert (tmp_path / "predictions.jsonl").read_text() == (tmp_path / "predictions-hybrid.jsonl").read_text()
    assert read_predictions(tmp_path / "predictions-baseline.jsonl")[1].answer == "64 phiếu"
    md = (tmp_path / "report.md").read_text("utf-8")
    assert "| metric | hybrid | baseline (LangChain tutorial) |" in md
    assert "| overall | 0.333 | 0.667 |" in md
    assert "### baseline (LangChain tutorial): 1 of 3 failed" in md
    data = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert data["modes"]["baseline"]["overall"]["overall"] == pytest.approx(2 / 3)
    assert [f["id"] for f in data["failures"]["baseline"]] == ["x1"]
    with Image.open(tmp_path / "report.png") as img:
        assert img.height > 800  # one panel per metric


def test_summary_table_for_stdout() -> None:
    text = format_summary([run("hybrid", "hybrid"), run("dense", "dense")])
    lines = text.splitlines()
    assert lines[0].split() == ["metric", "hybrid", "dense"]
    assert any(line.split()[:1] == ["overall"] and line.split()[-2:] == ["0.333", "0.333"] for line in lines)
    assert lines[-1].split() == ["failed", "items", "2", "2"]


def test_no_runs_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no runs"):
        write_reports(tmp_path, ITEMS, [])


def test_accuracy_per_answering_strategy(tmp_path: Path) -> None:
    preds = predictions(f1_answer="Sở tiếp nhận 64 phiếu")
    preds = [
        Prediction(p.id, p.question, p.answer, p.abstained, p.citations, p.latency_ms, strategy)
        for p, strategy in zip(preds, ["task_field", "passage", "passage"], strict=True)
    ]
    report = score(ITEMS, preds)
    assert set(report.by_strategy) == {"task_field", "passage"}
    assert report.by_strategy["task_field"].answer_acc == 1.0
    assert report.by_strategy["passage"].n == 2 and report.by_strategy["passage"].abstain_recall == 0.0
    write_reports(tmp_path, ITEMS, [Run("hybrid", "hybrid", preds, report)])
    md = (tmp_path / "report.md").read_text("utf-8")
    assert "## Per answering strategy" in md and "| task_field | 1 |" in md
    data = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert set(data["by_strategy"]) == {"task_field", "passage"}
    assert read_predictions(tmp_path / "predictions.jsonl")[0].strategy == "task_field"


def test_a_peer_without_strategies_gets_no_strategy_table(tmp_path: Path) -> None:
    write_reports(tmp_path, ITEMS, [run()])
    assert "Per answering strategy" not in (tmp_path / "report.md").read_text("utf-8")
