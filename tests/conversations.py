"""Two-turn conversations for the follow-up tests: each first turn in a few phrasings, each
follow-up in a few phrasings, what the follow-up must be understood to ask and the answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rag.questions import Turn
from rag.text import fold


@dataclass(frozen=True)
class Conversation:
    first: tuple[str, ...]  # phrasings of the first turn
    follow_ups: tuple[str, ...]  # phrasings of the follow-up
    understood: tuple[str, ...]  # words the restatement must carry (folded comparison)
    answer: tuple[str, ...]  # one of these must be in the follow-up's answer


# A well-formed restatement: a capitalised sentence ending in "?", the asking words at its end
# or opening it, nothing left dangling ("… do?", "… là gì nhiệm vụ 3?", "… của Ủy?").
_DANGLING = re.compile(r"\b(?:do|của|trong|và|đó|này|Ủy|Uỷ)\s*\?$|\blà gì\s+\w+.*\?$|\s{2,}")


def well_formed(restated: str) -> bool:
    return (
        bool(restated)
        and restated[:1].isupper()
        and restated.endswith("?")
        and restated.count("?") == 1
        and not _DANGLING.search(restated)
    )


def check(assistant: Any, conversation: Conversation, **options: Any) -> list[str]:
    """Every pairing of the phrasings, asked in turn; the problems found (empty when all hold)."""
    problems = []
    for first in conversation.first:
        answer = assistant.ask(first, **options)
        cited = answer.citations[0].doc_id if answer.citations else ""
        turns = [Turn(first, answer.answer, cited)]
        for follow_up in conversation.follow_ups:
            got = assistant.ask(follow_up, history=turns, **options)
            restated = got.resolved_question
            if not well_formed(restated):
                problems.append(f"{first!r} -> {follow_up!r}: restated as {restated!r}")
            missing = [w for w in conversation.understood if fold(w) not in fold(restated)]
            if missing:
                problems.append(f"{first!r} -> {follow_up!r}: {restated!r} lacks {missing}")
            if (
                got.abstained
                or got.clarify
                or not any(fold(a) in fold(got.answer) for a in conversation.answer)
            ):
                problems.append(f"{first!r} -> {follow_up!r}: answered {got.answer[:160]!r}")
    return problems


# Over the bundled corpus (corpus/).
SEEDS = (
    Conversation(
        (
            "Đơn vị nào thực hiện nhiệm vụ 4 trong kế hoạch của UBND tỉnh?",
            "Nhiệm vụ 4 trong kế hoạch của UBND tỉnh do đơn vị nào thực hiện?",
        ),
        ("Còn nhiệm vụ 3 thì sao?", "Thế còn nhiệm vụ 3?", "Nhiệm vụ 3 thì sao?"),
        ("nhiệm vụ 3", "kế hoạch của UBND tỉnh"),
        ("Sở Tài chính",),
    ),
    Conversation(
        (
            "Đơn vị nào thực hiện nhiệm vụ 4 trong kế hoạch của UBND tỉnh?",
            "Nhiệm vụ 4 trong kế hoạch của UBND tỉnh do đơn vị nào thực hiện?",
        ),
        ("Ai ký kế hoạch đó?", "Văn bản này do ai ký?", "Ai ký văn bản đó?"),
        ("kế hoạch của UBND tỉnh", "ký"),
        ("CHỦ TỊCH",),
    ),
    Conversation(
        ("Mục tiêu đến năm 2030 của kế hoạch của Sở là gì?", "Kế hoạch của Sở đặt mục tiêu gì đến năm 2030?"),
        ("Còn năm 2027 thì sao?", "Thế còn năm 2027?", "Năm 2027 thì sao?"),
        ("năm 2027", "mục tiêu"),
        ("mạng lưới truyền thông",),
    ),
    Conversation(
        (
            "Nhiệm vụ 3 trong kế hoạch của UBND tỉnh do đơn vị nào chủ trì?",
            "Đơn vị nào chủ trì nhiệm vụ 3 của kế hoạch của UBND tỉnh?",
        ),
        (
            "Thời gian thực hiện nhiệm vụ đó là khi nào?",
            "Còn thời hạn thì sao?",
            "Thời hạn của nhiệm vụ này?",
        ),
        ("nhiệm vụ 3",),
        ("Thường xuyên",),
    ),
    Conversation(
        (
            "Ai thực hiện nhiệm vụ 5 trong kế hoạch của Ủy ban nhân dân tỉnh?",
            "Nhiệm vụ 5 trong kế hoạch của Ủy ban nhân dân tỉnh do ai thực hiện?",
        ),
        (
            "Còn đơn vị phối hợp thì sao?",
            "Đơn vị nào phối hợp thực hiện nhiệm vụ đó?",
            "Những cơ quan nào phối hợp thực hiện nhiệm vụ này?",
        ),
        ("nhiệm vụ 5", "phối hợp"),
        ("Sở Nội vụ",),
    ),
    Conversation(
        (
            "Kế hoạch cấp tỉnh giao Sở Văn hóa, Thể thao và Du lịch trách nhiệm gì?",
            "Sở Văn hóa, Thể thao và Du lịch có trách nhiệm gì trong kế hoạch cấp tỉnh?",
        ),
        ("Còn Sở Giáo dục và Đào tạo thì sao?", "Thế còn Sở Giáo dục và Đào tạo?"),
        ("Sở Giáo dục và Đào tạo", "trách nhiệm gì"),
        ("tăng cường các hoạt động truyền thông",),
    ),
    Conversation(
        (
            "Trong kế hoạch của Sở Khoa học và Công nghệ, nhiệm vụ 1 do những đơn vị nào thực hiện?",
            "Những đơn vị nào thực hiện nhiệm vụ 1 trong kế hoạch của Sở Khoa học và Công nghệ?",
        ),
        ("Còn nhiệm vụ 4 thì sao?", "Vậy còn nhiệm vụ 4 thì thế nào?"),
        ("nhiệm vụ 4", "kế hoạch của Sở Khoa học và Công nghệ"),
        ("Phòng Quản lý",),
    ),
    Conversation(
        ("Công văn 819 ban hành ngày nào?", "Công văn số 819 được ban hành ngày nào?"),
        ("Ai ký công văn đó?", "Văn bản đó do ai ký?"),
        ("819", "ký"),
        ("GIÁM ĐỐC",),
    ),
    Conversation(
        # A question about a task's content, then its lead unit: "nhiệm vụ đó" is that task.
        (
            "Nhiệm vụ 3 trong kế hoạch của UBND tỉnh có nội dung gì?",
            "Kế hoạch của UBND tỉnh đặt mục tiêu gì cho nhiệm vụ 3?",
        ),
        ("Ai chủ trì nhiệm vụ đó?", "Đơn vị nào thực hiện nhiệm vụ này?", "Còn đơn vị chủ trì thì sao?"),
        ("nhiệm vụ 3",),
        ("Sở Tài chính",),
    ),
    Conversation(
        (
            "Sở tiếp nhận bao nhiêu phiếu đề xuất nhiệm vụ khoa học và công nghệ cấp tỉnh năm 2025?",
            "Năm 2025 Sở tiếp nhận bao nhiêu phiếu đề xuất nhiệm vụ khoa học và công nghệ cấp tỉnh?",
        ),
        ("Ai ký báo cáo đó?", "Văn bản này do ai ký?"),
        ("báo cáo", "ký"),
        ("Trần Thanh Trường",),
    ),
)

# Over documents of other provinces and ministries (the provinces set's smallest documents).
PROVINCES = (
    Conversation(
        (
            "Ai ký Nghị quyết 36/2025/NQ-HĐND thành phố Huế về chính sách học phí?",
            "Nghị quyết 36/2025/NQ-HĐND của HĐND thành phố Huế về học phí do ai ký?",
        ),
        ("Nghị quyết đó có hiệu lực từ ngày nào?", "Văn bản này có hiệu lực thi hành từ ngày nào?"),
        ("36/2025/NQ-HĐND", "hiệu lực"),
        ("28 tháng 11 năm 2025", "28/11/2025"),
    ),
    Conversation(
        (
            "Theo Chỉ thị 06/CT-UBND Quảng Trị, sở nào tham mưu bố trí kinh phí hỗ trợ rà soát, xử lý vi phạm phá rừng?",
            "Sở nào tham mưu bố trí kinh phí xử lý vi phạm phá rừng theo Chỉ thị 06/CT-UBND của Quảng Trị?",
        ),
        ("Ai ký chỉ thị đó?", "Chỉ thị này do ai ký?"),
        ("06/CT-UBND", "ký"),
        ("Hoàng Nam",),
    ),
    Conversation(
        (
            "Công văn 11208/BNV-KHTC của Bộ Nội vụ kính gửi ai?",
            "Công văn 11208/BNV-KHTC của Bộ Nội vụ được gửi đến những cơ quan nào?",
        ),
        ("Ai ký công văn đó?", "Công văn này do ai ký?", "Văn bản đó ban hành ngày nào?"),
        ("11208/BNV-KHTC",),
        ("Nguyễn Mạnh Khương", "26 tháng 11 năm 2025"),
    ),
)
