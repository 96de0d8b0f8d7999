import json
from pathlib import Path

import pytest

from eval.gold import GoldItem, load_gold
from rag.errors import PolicyQAError
from tests.conftest import SHARED_EVAL

GOOD = {
    "id": "q1",
    "question": "Đơn vị nào thực hiện nhiệm vụ 4?",
    "keys": [["Sở Khoa học và Công nghệ"]],
    "sources": ["003.txt"],
    "evidence": ["Đơn vị thực hiện: Sở Khoa học và Công nghệ"],
    "abstain": False,
    "type": "lead_unit",
}
ABSTAIN = {
    "id": "q2",
    "question": "Giá vé xe buýt?",
    "keys": [],
    "sources": [],
    "evidence": [],
    "abstain": True,
    "type": "abstain",
}


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_loads_valid_items_and_skips_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path, [json.dumps(GOOD, ensure_ascii=False), "", json.dumps(ABSTAIN)])
    items = load_gold(path)
    assert [i.id for i in items] == ["q1", "q2"]
    assert items[0] == GoldItem(**GOOD)
    assert items[1].abstain is True and items[1].keys == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"keys": "Sở"}, "'keys' must be a list of lists"),
        ({"keys": ["Sở"]}, "'keys' must be a list of lists"),
        ({"keys": []}, "at least one key group"),
        ({"keys": [[]]}, "empty key group"),
        ({"keys": [["  "]]}, "empty key alternative"),
        ({"sources": []}, "at least one source"),
        ({"sources": [3]}, "'sources' must be a list of strings"),
        ({"evidence": []}, "at least one evidence"),
        ({"abstain": "no"}, "'abstain' must be true or false"),
        ({"id": 7}, "'id' must be a string"),
        ({"question": " "}, "'question' is empty"),
    ],
)
def test_malformed_item_names_file_and_line(tmp_path: Path, change: dict, message: str) -> None:
    bad = {**GOOD, "id": "q9", **change}
    path = write(tmp_path, [json.dumps(ABSTAIN), json.dumps(bad, ensure_ascii=False)])
    with pytest.raises(PolicyQAError, match=message) as err:
        load_gold(path)
    assert f"{path}:2:" in str(err.value)


def test_missing_field_is_named(tmp_path: Path) -> None:
    bad = {k: v for k, v in GOOD.items() if k != "evidence"}
    path = write(tmp_path, [json.dumps(bad)])
    with pytest.raises(PolicyQAError, match=r"gold.jsonl:1: missing field 'evidence'"):
        load_gold(path)


def test_invalid_json_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, [json.dumps(GOOD), '{"id": "x",'])
    with pytest.raises(PolicyQAError, match=r"gold.jsonl:2: not valid JSON"):
        load_gold(path)


def test_non_object_line(tmp_path: Path) -> None:
    path = write(tmp_path, ["[1, 2]"])
    with pytest.raises(PolicyQAError, match=r"gold.jsonl:1: expected a JSON object"):
        load_gold(path)


def test_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, [json.dumps(GOOD), json.dumps(ABSTAIN), json.dumps(GOOD)])
    with pytest.raises(PolicyQAError, match=r"gold.jsonl:3: duplicate id 'q1' \(first on line 1\)"):
        load_gold(path)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyQAError, match="not found"):
        load_gold(tmp_path / "nope.jsonl")
    with pytest.raises(PolicyQAError, match="no gold items"):
        load_gold(write(tmp_path, [""]))


def test_dev_set_loads() -> None:
    dev = SHARED_EVAL / "dev_qa.jsonl"
    if not dev.exists():
        pytest.skip("shared dev set not present")
    items = load_gold(dev)
    assert len({i.id for i in items}) == len(items) > 0
    assert all(i.keys and i.sources for i in items if not i.abstain)


def test_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n", encoding="utf-8-sig")
    assert [i.id for i in load_gold(path)] == ["q1"]
