"""Synthetic provincial plans for the scale benchmark: seeded text, parsed by the real parser.

Each document is the plain text of a "Kế hoạch" as the parser reads it (heading block, I./1./a)
sections, tasks with "Đơn vị chủ trì / phối hợp / Thời gian thực hiện" lines, funding,
organisation, "Nơi nhận" and a signature), about 100 clauses. ``rag.parser.parse_document``
turns it into records, so ids, breadcrumbs, fields and kinds are what a real ingest makes.
Document ``i`` depends only on ``(seed, i)``: the first 100 documents of a 1,000-document corpus
are the 100 documents of a 100-document one. The word lists are made up for this purpose.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator

from rag.parser import parse_document
from rag.records import Document, LoadedFile, Page

PROVINCES = (
    "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Gia Lai", "Đắk Lắk", "Lâm Đồng",
    "Quảng Nam", "Nghệ An", "Hà Tĩnh", "Thanh Hóa", "Ninh Bình", "Hải Dương", "Bắc Ninh",
    "Lào Cai", "Sơn La", "Điện Biên", "Cà Mau", "Sóc Trăng", "An Giang", "Đồng Tháp",
    "Tiền Giang", "Bến Tre", "Vĩnh Long", "Tây Ninh", "Long An", "Hưng Yên", "Tuyên Quang",
)  # fmt: skip
UNITS = (
    "Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Nội vụ", "Sở Tư pháp", "Sở Xây dựng",
    "Sở Công Thương", "Sở Nông nghiệp và Môi trường", "Sở Giáo dục và Đào tạo", "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Ngoại vụ", "Sở Dân tộc và Tôn giáo",
    "Văn phòng Ủy ban nhân dân tỉnh", "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Thanh tra tỉnh",
    "Ban Quản lý Khu kinh tế", "Đài Phát thanh và Truyền hình tỉnh", "Báo tỉnh",
    "Trung tâm Phục vụ hành chính công tỉnh", "Bảo hiểm xã hội tỉnh", "Thuế tỉnh",
    "Liên đoàn Lao động tỉnh", "Tỉnh đoàn", "Hội Liên hiệp Phụ nữ tỉnh",
)  # fmt: skip
PARTNERS = (
    "Các sở, ban, ngành có liên quan", "UBND các xã, phường, đặc khu",
    "Các cơ quan báo chí trên địa bàn tỉnh", "Các hội, đoàn thể tỉnh", "Các doanh nghiệp viễn thông",
)  # fmt: skip
TOPICS = (
    "chuyển đổi số", "cải cách hành chính", "phát triển khoa học, công nghệ và đổi mới sáng tạo",
    "phát triển kinh tế số và xã hội số", "bảo vệ môi trường", "phòng, chống thiên tai",
    "phát triển du lịch", "xây dựng nông thôn mới", "giảm nghèo bền vững",
    "phát triển nguồn nhân lực", "bảo đảm an toàn thông tin mạng", "phát triển hạ tầng số",
    "xây dựng chính quyền số", "phổ biến, giáo dục pháp luật", "phòng cháy, chữa cháy",
    "chăm sóc sức khỏe nhân dân", "bình đẳng giới", "hỗ trợ doanh nghiệp nhỏ và vừa",
    "thu hút đầu tư", "phát triển văn hóa đọc",
)  # fmt: skip
VERBS = (
    "Tuyên truyền, phổ biến", "Xây dựng và triển khai", "Rà soát, hoàn thiện", "Tổ chức tập huấn về",
    "Nâng cấp", "Kiểm tra, giám sát", "Đánh giá, sơ kết", "Hỗ trợ", "Đẩy mạnh ứng dụng", "Tăng cường",
    "Số hóa", "Triển khai thí điểm",
)  # fmt: skip
OBJECTS = (
    "cơ sở dữ liệu chuyên ngành", "nền tảng số dùng chung", "dịch vụ công trực tuyến toàn trình",
    "hệ thống thông tin báo cáo", "văn bản quy phạm pháp luật", "đội ngũ cán bộ, công chức",
    "hạ tầng mạng 5G", "kho dữ liệu dùng chung của tỉnh", "mô hình hợp tác xã kiểu mới",
    "sản phẩm OCOP", "các điểm du lịch cộng đồng", "chương trình đào tạo kỹ năng số",
    "phần mềm quản lý văn bản và điều hành", "trung tâm giám sát an toàn thông tin",
    "hồ sơ sức khỏe điện tử", "hệ thống cảnh báo sớm thiên tai", "thư viện số",
    "thủ tục hành chính liên thông", "trạm quan trắc môi trường tự động", "sàn giao dịch công nghệ",
)  # fmt: skip
PLACES = (
    "trên địa bàn tỉnh", "tại các cơ quan nhà nước", "cho người dân và doanh nghiệp", "ở cấp xã",
    "trong các cơ sở giáo dục", "tại các khu công nghiệp", "ở vùng đồng bào dân tộc thiểu số",
)  # fmt: skip
CLAUSES = (
    "bảo đảm đúng tiến độ, chất lượng và hiệu quả", "gắn với trách nhiệm của người đứng đầu",
    "phù hợp với điều kiện thực tế của địa phương", "huy động sự tham gia của toàn xã hội",
    "kịp thời tháo gỡ khó khăn, vướng mắc", "tiết kiệm, tránh lãng phí",
    "lồng ghép với các chương trình mục tiêu quốc gia", "công khai, minh bạch kết quả thực hiện",
)  # fmt: skip
DEADLINES = (
    "Thường xuyên", "Quý I/{y}", "Quý II/{y}", "Quý III/{y}", "Quý IV/{y}", "Trước ngày {d}/{m}/{y}",
    "Hằng năm", "Năm {y}", "Giai đoạn {y}-{y2}", "Tháng {m}/{y}",
)  # fmt: skip
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hùng", "Lan", "Long", "Mai", "Nam", "Phong",
         "Quang", "Sơn", "Tâm", "Thắng", "Trung", "Tuấn", "Việt", "Yến")  # fmt: skip
CITED = ("Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị",
         "Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ",
         "Nghị định số 45/2020/NĐ-CP ngày 08/4/2020 của Chính phủ",
         "Quyết định số 1169/QĐ-TTg ngày 16/6/2025 của Thủ tướng Chính phủ")  # fmt: skip


def _rng(seed: int, i: int) -> random.Random:
    return random.Random(f"policyqa-synthetic:{seed}:{i}")


def _sentence(r: random.Random, topic: str) -> str:
    return (
        f"{r.choice(VERBS)} {r.choice(OBJECTS)} {r.choice(PLACES)}, {r.choice(CLAUSES)}; "
        f"góp phần thực hiện thắng lợi mục tiêu {topic} của tỉnh."
    )


def _deadline(r: random.Random, year: int) -> str:
    y = r.randint(year, year + 3)
    return r.choice(DEADLINES).format(y=y, y2=y + r.randint(2, 5), d=r.randint(1, 28), m=r.randint(1, 12))


def synthetic_text(i: int, seed: int = 0, *, tasks: int = 13) -> str:
    """Pure: the text of synthetic plan ``i`` (about ``8 * tasks`` + 10 clauses once parsed)."""
    r = _rng(seed, i)
    province, topic = r.choice(PROVINCES), r.choice(TOPICS)
    year = r.randint(2024, 2027)
    month, day = r.randint(1, 12), r.randint(1, 28)
    signer = f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"
    lines = [
        "ỦY BAN NHÂN DÂN",
        f"TỈNH {province.upper()}",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {100 + i % 9000}/KH-UBND        {province}, ngày {day:02d} tháng {month:02d} năm {year}",
        "KẾ HOẠCH",
        f"Triển khai {topic} trên địa bàn tỉnh {province} giai đoạn {year}-{year + 5}",
        f"Căn cứ {r.choice(CITED)}; Ủy ban nhân dân tỉnh ban hành Kế hoạch {topic} như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        f"a) {_sentence(r, topic)}",
        f"b) {_sentence(r, topic)}",
        "2. Yêu cầu",
        f"a) {_sentence(r, topic)}",
        f"b) Các cơ quan, đơn vị xác định cụ thể nhiệm vụ, {r.choice(CLAUSES)}.",
        "II. NHIỆM VỤ VÀ GIẢI PHÁP",
    ]
    leads: list[str] = []
    for t in range(1, tasks + 1):
        lead = r.choice(UNITS)
        leads.append(lead)
        partner = r.choice([u for u in UNITS if u != lead])
        lines.append(f"{t}. {r.choice(VERBS)} {r.choice(OBJECTS)} {r.choice(PLACES)} năm {year + t % 3}")
        for letter in "abc"[: r.randint(2, 3)]:
            lines.append(f"{letter}) {_sentence(r, topic)}")
        lines.append(f"- Đơn vị chủ trì: {lead}.")
        lines.append(f"- Đơn vị phối hợp: {partner}; {r.choice(PARTNERS)}.")
        lines.append(f"- Thời gian thực hiện: {_deadline(r, year)}.")
    lines += [
        "III. KINH PHÍ THỰC HIỆN",
        f"Kinh phí thực hiện Kế hoạch được bố trí từ nguồn ngân sách nhà nước năm {year} "
        "theo phân cấp hiện hành và các nguồn hợp pháp khác.",
        "IV. TỔ CHỨC THỰC HIỆN",
        f"1. {leads[0]}",
        f"Chủ trì, phối hợp với các cơ quan, đơn vị theo dõi, đôn đốc; tổng hợp, báo cáo UBND tỉnh "
        f"kết quả thực hiện trước ngày {r.randint(1, 28)}/12/{year}.",
        f"2. {r.choice(PARTNERS)}",
        f"Căn cứ chức năng, nhiệm vụ, chủ động triển khai Kế hoạch; {r.choice(CLAUSES)}./.",
        "Nơi nhận:",
        "- Thường trực Tỉnh ủy (báo cáo);",
        "- Chủ tịch, các Phó Chủ tịch UBND tỉnh;",
        f"- {r.choice(UNITS)};",
        "- Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        signer,
    ]
    return "\n".join(lines) + "\n"


def synthetic_document(i: int, seed: int = 0) -> Document:
    """Pure: synthetic plan ``i`` parsed into a Document (source ``synthetic/NNNNN.txt``)."""
    text = synthetic_text(i, seed)
    source = f"synthetic/{i:05d}.txt"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return parse_document(LoadedFile(source=source, content_hash=digest, pages=[Page(0, text)]))


def synthetic_documents(clauses: int, seed: int = 0, *, start: int = 0) -> Iterator[Document]:
    """Documents ``start, start+1, …`` until at least ``clauses`` clauses have been yielded."""
    total, i = 0, start
    while total < clauses:
        doc = synthetic_document(i, seed)
        total += len(doc.clauses)
        i += 1
        yield doc


def synthetic_questions(n: int = 50, seed: int = 0) -> list[str]:
    """Pure: ``n`` questions in the corpus's words (units, tasks, topics, provinces, years)."""
    r = _rng(seed, -1)
    forms = (
        lambda: f"Đơn vị nào chủ trì {r.choice(VERBS).lower()} {r.choice(OBJECTS)}?",
        lambda: f"Nhiệm vụ của {r.choice(UNITS)} năm {r.randint(2024, 2029)}",
        lambda: f"Thời gian thực hiện {r.choice(VERBS).lower()} {r.choice(OBJECTS)} là khi nào?",
        lambda: f"Kế hoạch {r.choice(TOPICS)} của tỉnh {r.choice(PROVINCES)}",
        lambda: f"Ai ký kế hoạch {r.choice(TOPICS)} tỉnh {r.choice(PROVINCES)}?",
        lambda: f"Kinh phí thực hiện kế hoạch {r.choice(TOPICS)} lấy từ nguồn nào?",
        lambda: f"{r.choice(UNITS)} phối hợp thực hiện những nhiệm vụ nào?",
        lambda: f"Các nhiệm vụ về {r.choice(OBJECTS)} {r.choice(PLACES)}",
    )
    return [forms[k % len(forms)]() for k in range(n)]
