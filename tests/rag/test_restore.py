from __future__ import annotations

from rag.restore import DiacriticRestorer, diacritic_ratio, lost_diacritics
from rag.text import fold

MARKED = [
    "Xây dựng kế hoạch truyền thông về chuyển đổi số và Nghị quyết số 57-NQ/TW.",
    "Sở Khoa học và Công nghệ triển khai công tác truyền thông về chuyển đổi số.",
    "Tuyên truyền kỹ năng sử dụng Internet an toàn cho người dân.",
]


def test_restores_marks_from_corpus_vocabulary() -> None:
    restorer = DiacriticRestorer(MARKED)
    out = restorer.restore("Xay dung ké hoach truyén thong vé chuyén d6i s6 va Nghi quyét s6 57-NQ/TW.")
    assert out == "Xây dựng kế hoạch truyền thông về chuyển đổi số và Nghị quyết số 57-NQ/TW."


def test_restoration_keeps_folded_words_and_unknown_tokens() -> None:
    restorer = DiacriticRestorer(MARKED)
    text = "Cong tac zzz truyen thong 2025"
    out = restorer.restore(text)
    assert fold(out) == fold(text)
    assert "zzz" in out and "2025" in out and out.startswith("Công tác")


def test_lost_diacritics_detection() -> None:
    assert diacritic_ratio(MARKED[0]) > 0.5
    assert lost_diacritics("Xay dung ke hoach truyen thong ve chuyen doi so va Nghi quyet so 57")
    assert not lost_diacritics(MARKED[1])
