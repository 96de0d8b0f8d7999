"""Unit names: abbreviations, casing and spacing variants, lists and duties -> one unit id."""

from __future__ import annotations

import pytest

from rag.units import is_collective, section_unit, split_units, unit_id


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("Sở Khoa học  và Công nghệ chủ trì", "Sở Khoa học và Công nghệ"),
        ("Sở VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở VH,TT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
        ("Ủy ban nhân dân tỉnh Quảng Ngãi", "Ủy ban nhân dân tỉnh"),
        ("Uỷ ban nhân dân tỉnh Hà Tĩnh", "Ủy ban nhân dân tỉnh"),
        ("Sở Tư pháp tỉnh Đồng Nai", "Sở Tư pháp"),
        ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
        ("Sở NN&MT", "Sở Nông nghiệp và Môi trường"),
        ("Sở Nội vụ (Cơ quan thường trực Ban Vì sự tiến bộ phụ nữ)", "Sở Nội vụ"),
    ],
)
def test_one_name_for_each_spelling(written: str, name: str) -> None:
    assert split_units(written) == [name]


def test_spelling_variants_share_an_id() -> None:
    ids = {
        unit_id(split_units(v)[0])
        for v in (
            "Sở Văn hóa, Thể thao và Du lịch",
            "Sở Văn hoá Thể thao du lịch",
            "Sở Văn hóa, thể thao và Du lịch",
            "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
            "Sở VHTTDL",
        )
    }
    assert ids == {"so-van-hoa-the-thao-du-lich"}


def test_lists_split_into_units_and_the_duty_is_cut() -> None:
    assert split_units("Sở Nội vụ, Sở Giáo dục và Đào tạo; các sở, ban ngành, địa phương có liên quan") == [
        "Sở Nội vụ",
        "Sở Giáo dục và Đào tạo",
        "Các sở, ban ngành, địa phương có liên quan",
    ]
    # The lead named before its duty: the units it works with are not leads.
    assert split_units("Sở Nội vụ chủ trì, phối hợp với các sở, ban, ngành, Ủy ban nhân dân phường, xã") == [
        "Sở Nội vụ"
    ]
    assert split_units("Sở Khoa học và Công nghệ Sở Công Thương; UBND các phường, xã") == [
        "Sở Khoa học và Công nghệ",
        "Sở Công Thương",
        "Ủy ban nhân dân các phường, xã",
    ]
    assert split_units("Sở Khoa học và Công nghệ và các đơn vị, địa phương có liên quan")[0] == (
        "Sở Khoa học và Công nghệ"
    )


def test_collective_names() -> None:
    assert is_collective("Các sở, ban ngành, địa phương có liên quan")
    assert is_collective("Sở, ban, ngành có liên quan")
    assert not is_collective("Sở Tài chính")
    assert not is_collective("Công an tỉnh")


@pytest.mark.parametrize(
    ("text", "unit", "duty"),
    [
        ("Sở Khoa học và Công nghệ", "Sở Khoa học và Công nghệ", ""),
        ("2. Sở Tài chính: Bố trí kinh phí thực hiện", "Sở Tài chính", "Bố trí kinh phí thực hiện"),
        (
            "3. Sở Y tế Phối hợp Sở Khoa học và Công nghệ tuyên truyền",
            "Sở Y tế",
            "Phối hợp Sở Khoa học và Công nghệ tuyên truyền",
        ),
        ("4. Công an tỉnh", "Công an tỉnh", ""),
    ],
)
def test_unit_headed_sections(text: str, unit: str, duty: str) -> None:
    assert section_unit(text) == (unit, duty)


@pytest.mark.parametrize(
    "text",
    [
        "Các bệnh lây truyền qua đường tiêu hóa",
        "Phòng chống sốt xuất huyết",
        "Trường hợp người lao động nghỉ việc",
    ],
)
def test_headings_that_name_no_unit(text: str) -> None:
    assert section_unit(text) is None
