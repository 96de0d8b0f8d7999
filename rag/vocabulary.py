"""Words of Vietnamese administrative writing shared by the parser, the retriever and the answerer."""

from __future__ import annotations

# Document types: folded title -> canonical name. Longest first so "ke hoach hanh dong" wins.
DOC_TYPES: dict[str, str] = {
    "thong tu lien tich": "Thông tư liên tịch",
    "ke hoach hanh dong": "Kế hoạch hành động",
    "ke hoach": "Kế hoạch",
    "bao cao": "Báo cáo",
    "cong van": "Công văn",
    "quyet dinh": "Quyết định",
    "nghi quyet": "Nghị quyết",
    "nghi dinh": "Nghị định",
    "thong tu": "Thông tư",
    "chi thi": "Chỉ thị",
    "thong bao": "Thông báo",
    "to trinh": "Tờ trình",
    "huong dan": "Hướng dẫn",
    "chuong trinh": "Chương trình",
    "de an": "Đề án",
    "quy che": "Quy chế",
    "quy dinh": "Quy định",
    "ket luan": "Kết luận",
    "phap lenh": "Pháp lệnh",
    "luat": "Luật",
    "cong dien": "Công điện",
    "giay moi": "Giấy mời",
    "bien ban": "Biên bản",
}

# Abbreviated document types written before a number in questions ("QĐ 12/QĐ-UBND", "KH 45"),
# folded -> canonical name.
DOC_TYPE_ABBREVIATIONS: dict[str, str] = {
    "qd": "Quyết định",
    "kh": "Kế hoạch",
    "nq": "Nghị quyết",
    "nd": "Nghị định",
    "tt": "Thông tư",
    "cv": "Công văn",
    "ct": "Chỉ thị",
    "tb": "Thông báo",
    "hd": "Hướng dẫn",
    "cd": "Công điện",
    "bc": "Báo cáo",
}

# English names of document types (questions in English), folded -> canonical Vietnamese.
ENGLISH_DOC_TYPES: dict[str, str] = {
    "plan": "Kế hoạch",
    "report": "Báo cáo",
    "official letter": "Công văn",
    "letter": "Công văn",
    "decision": "Quyết định",
    "resolution": "Nghị quyết",
    "decree": "Nghị định",
    "circular": "Thông tư",
    "directive": "Chỉ thị",
    "law": "Luật",
}

# --- roles and labels read by the parser ------------------------------------------------------

# Roles a document assigns to units and dates, by the key the parser stores them under in
# ``Clause.fields``. ROLE_LABELS are whole labels (folded): a field line "Cơ quan chủ trì: …"
# and a table column headed "Cơ quan chủ trì" both name the lead unit. A new issuer's wording
# is one more label here. The answerer may import these for its intents.
ROLE_LABELS: dict[str, tuple[str, ...]] = {
    "lead_unit": (
        "don vi thuc hien",
        "don vi chu tri",
        "co quan chu tri",
        "co quan thuc hien",
        "chu tri",
        "co quan, don vi chu tri",
        "co quan/don vi chu tri",
        "don vi chu tri thuc hien",
        "co quan chu tri thuc hien",
        "co quan/don vi chu tri thuc hien",
        "chu tri thuc hien",
    ),
    "coordinating_units": (
        "don vi phoi hop",
        "co quan phoi hop",
        "phoi hop",
        "co quan, don vi phoi hop",
        "co quan/don vi phoi hop",
        "don vi phoi hop thuc hien",
        "co quan phoi hop thuc hien",
        "phoi hop thuc hien",
    ),
    "deadline": (
        "thoi gian thuc hien",
        "thoi gian hoan thanh",
        "thoi han hoan thanh",
        "thoi han",
        "tien do thuc hien",
        "tien do hoan thanh",
        "thoi gian trien khai",
    ),
    "budget": ("kinh phi thuc hien", "kinh phi", "nguon kinh phi", "du kien kinh phi"),
    "output": ("san pham", "ket qua/san pham", "san pham dau ra", "san pham du kien", "ket qua du kien"),
}
# Field lines are matched on these labels (kept under the old name for the normaliser).
FIELD_LABELS = ROLE_LABELS

# Looser words that name a role only as a table column header ("THỜI GIAN", "Kết quả"), checked
# in this order after the whole labels: a header containing the words has the role.
ROLE_HEADER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("coordinating_units", ("phoi hop",)),
    ("lead_unit", ("chu tri", "don vi thuc hien", "co quan thuc hien", "trach nhiem")),
    ("deadline", ("thoi gian", "thoi han", "tien do", "thoi diem", "moc hoan thanh")),
    ("output", ("san pham", "ket qua")),
    ("budget", ("kinh phi",)),
)
# Column headers naming what a row is about (its label), and the unit of measure.
TASK_HEADER_WORDS: tuple[str, ...] = (
    "nhiem vu",
    "noi dung",
    "chi tieu",
    "hoat dong",
    "cong viec",
    "danh muc",
    "du an",
    "de an",
    "giai phap",
    "ten",
)
UNIT_HEADERS: tuple[str, ...] = ("don vi", "don vi tinh", "dvt")

# Signer titles (folded, as matched) -> as printed. Order matters: longer titles that contain
# a shorter one ("pho chu tich" before "chu tich") come first.
SIGNER_TITLES: dict[str, str] = {
    "chu tich quoc hoi": "CHỦ TỊCH QUỐC HỘI",
    "pho chu tich quoc hoi": "PHÓ CHỦ TỊCH QUỐC HỘI",
    "chu tich nuoc": "CHỦ TỊCH NƯỚC",
    "thu tuong chinh phu": "THỦ TƯỚNG CHÍNH PHỦ",
    "pho chu tich": "PHÓ CHỦ TỊCH",
    "chu tich": "CHỦ TỊCH",
    "pho giam doc": "PHÓ GIÁM ĐỐC",
    "tong giam doc": "TỔNG GIÁM ĐỐC",
    "giam doc": "GIÁM ĐỐC",
    "bo truong": "BỘ TRƯỞNG",
    "thu truong": "THỨ TRƯỞNG",
    "thu tuong": "THỦ TƯỚNG",
    "pho thu tuong": "PHÓ THỦ TƯỚNG",
    "truong ban": "TRƯỞNG BAN",
    "pho truong ban": "PHÓ TRƯỞNG BAN",
    "chanh van phong": "CHÁNH VĂN PHÒNG",
    "pho chanh van phong": "PHÓ CHÁNH VĂN PHÒNG",
    "truong phong": "TRƯỞNG PHÒNG",
    "pho truong phong": "PHÓ TRƯỞNG PHÒNG",
    "chu nhiem": "CHỦ NHIỆM",
    "cuc truong": "CỤC TRƯỞNG",
    "vien truong": "VIỆN TRƯỞNG",
    "hieu truong": "HIỆU TRƯỞNG",
    "chanh an": "CHÁNH ÁN",
    "bi thu": "BÍ THƯ",
    "pho bi thu": "PHÓ BÍ THƯ",
    "uy ban nhan dan": "ỦY BAN NHÂN DÂN",
    "hoi dong nhan dan": "HỘI ĐỒNG NHÂN DÂN",
    "ban chap hanh": "BAN CHẤP HÀNH",
    "ban thuong vu": "BAN THƯỜNG VỤ",
    "chinh phu": "CHÍNH PHỦ",
}

# Type codes in a document number ("58/KH-UBND"), folded, for documents whose type title is missing.
NUMBER_CODES: dict[str, str] = {
    "kh": "Kế hoạch",
    "bc": "Báo cáo",
    "qd": "Quyết định",
    "nq": "Nghị quyết",
    "ct": "Chỉ thị",
    "tb": "Thông báo",
    "ttr": "Tờ trình",
    "hd": "Hướng dẫn",
    "nd": "Nghị định",
    "tt": "Thông tư",
}

# Issuing-body codes in document numbers ("819/SKHCN-BCVT", "12/BC-STC"), folded.
ISSUER_CODES: dict[str, str] = {
    "skhcn": "Sở Khoa học và Công nghệ",
    "stc": "Sở Tài chính",
    "snv": "Sở Nội vụ",
    "syt": "Sở Y tế",
    "sgddt": "Sở Giáo dục và Đào tạo",
    "sgd&dt": "Sở Giáo dục và Đào tạo",
    "svhttdl": "Sở Văn hóa, Thể thao và Du lịch",
    "sxd": "Sở Xây dựng",
    "stp": "Sở Tư pháp",
    "sct": "Sở Công Thương",
    "snnmt": "Sở Nông nghiệp và Môi trường",
    "sngv": "Sở Ngoại vụ",
    "sdttg": "Sở Dân tộc và Tôn giáo",
    "bkhcn": "Bộ Khoa học và Công nghệ",
    "btc": "Bộ Tài chính",
    "bnv": "Bộ Nội vụ",
}

# Heads of body names in the header, folded -> as written in running text (title_case_body).
ORG_HEADS: dict[str, str] = {
    "thu tuong chinh phu": "Thủ tướng Chính phủ",
    "chu tich": "Chủ tịch",
    "kiem toan nha nuoc": "Kiểm toán nhà nước",
    "uy ban nhan dan": "Ủy ban nhân dân",
    "hoi dong nhan dan": "Hội đồng nhân dân",
    "van phong": "Văn phòng",
    "trung tam": "Trung tâm",
    "tong cuc": "Tổng cục",
    "chinh phu": "Chính phủ",
    "quoc hoi": "Quốc hội",
    "tinh uy": "Tỉnh ủy",
    "dang uy": "Đảng ủy",
}
# Administrative levels that precede a place name ("tỉnh Quảng Ngãi"), folded.
ADMIN_LEVELS: frozenset[str] = frozenset(
    {"tinh", "thanh pho", "huyen", "xa", "phuong", "quan", "thi xa", "thi tran", "dac khu"}
)

# First cell of a table's header row, folded ("STT", "TT").
TABLE_NUMBER_HEADERS: tuple[str, ...] = ("tt", "stt", "so tt", "so thu tu")
# A table row labelled so sums the others ("TỔNG", "Tổng cộng", "Cộng"), folded: no item of its own.
TABLE_TOTAL_LABELS: frozenset[str] = frozenset({"tong", "tong cong", "cong", "tong so", "cong chung"})

# Words that begin the name of an organisation ("Sở Tài chính", "Công an tỉnh", "Bộ Chỉ huy
# Quân sự tỉnh"): a heading that starts with one names the unit whose duties follow.
ORGANISATION_HEADS: tuple[str, ...] = (
    "Sở",
    "Phòng",
    "Ủy ban",
    "Uỷ ban",
    "UBND",
    "Trung tâm",
    "Văn phòng",
    "Ban",
    "Bộ",
    "Các",
    "Đài",
    "Báo",
    "Hội",
    "Hội đồng",
    "Mặt trận",
    "Cơ quan",
    "Chi cục",
    "Cục",
    "Tổng cục",
    "Vụ",
    "Viện",
    "Trường",
    "Công an",
    "Quân sự",
    "Bộ Chỉ huy",
    "Bộ đội",
    "Tòa án",
    "Viện kiểm sát",
    "Kho bạc",
    "Hải quan",
    "Bưu điện",
    "Điện lực",
    "Thuế",
    "Bảo hiểm xã hội",
    "Ngân hàng",
    "Tập đoàn",
    "Tổng công ty",
    "Công ty",
    "Liên đoàn",
    "Tỉnh đoàn",
    "Thành đoàn",
    "Đoàn",
    "Tỉnh ủy",
    "Thành ủy",
    "Đảng ủy",
    "Hội Liên hiệp",
    "Liên minh",
    "Đại học",
    "Học viện",
    "Thanh tra",
    "Kiểm toán",
    "Cảng vụ",
    "Chi nhánh",
)

# --- units, deadlines and references (rag/units.py, rag/deadlines.py, rag/lineage.py) ----------

# Abbreviated unit names as documents write them: the abbreviation's letters (folded, "&", ",",
# "-" and spaces removed: "KH&CN" -> "khcn", "VH,TT&DL" -> "vhttdl") -> the field the body
# covers, written after "Sở"/"Bộ" ("Sở KH&CN" -> "Sở Khoa học và Công nghệ").
UNIT_FIELD_ABBREVIATIONS: dict[str, str] = {
    "khcn": "Khoa học và Công nghệ",
    "vhttdl": "Văn hóa, Thể thao và Du lịch",
    "vhtt": "Văn hóa và Thông tin",
    "nnmt": "Nông nghiệp và Môi trường",
    "nnptnt": "Nông nghiệp và Phát triển nông thôn",
    "tnmt": "Tài nguyên và Môi trường",
    "gddt": "Giáo dục và Đào tạo",
    "tttt": "Thông tin và Truyền thông",
    "khdt": "Kế hoạch và Đầu tư",
    "ldtbxh": "Lao động - Thương binh và Xã hội",
    "gtvt": "Giao thông vận tải",
    "dttg": "Dân tộc và Tôn giáo",
    "tc": "Tài chính",
    "nv": "Nội vụ",
    "yt": "Y tế",
    "tp": "Tư pháp",
    "xd": "Xây dựng",
    "ct": "Công Thương",
    "ngv": "Ngoại vụ",
}
# Abbreviations that stand for a whole body-name head, anywhere in a unit name (folded letters).
UNIT_HEAD_ABBREVIATIONS: dict[str, str] = {
    "ubnd": "Ủy ban nhân dân",
    "hdnd": "Hội đồng nhân dân",
    "mttq": "Mặt trận Tổ quốc",
    "ubmttq": "Ủy ban Mặt trận Tổ quốc",
    "bhxh": "Bảo hiểm xã hội",
    "bchqs": "Bộ Chỉ huy Quân sự",
    "bch": "Bộ Chỉ huy",
    "bqp": "Bộ Quốc phòng",
    "bca": "Bộ Công an",
}
# Words after a unit's name that start what it is asked to do: the name ends before them
# ("Sở Tài chính chủ trì", "Sở Nội vụ chủ trì, phối hợp với …"). Lower-case as written inside
# running text; the capitalised ones also end a name glued to its duty ("3. Sở Y tế Phối hợp …").
UNIT_DUTY_WORDS: tuple[str, ...] = (
    "chủ trì",
    "phối hợp",
    "thực hiện",
    "thúc đẩy",
    "theo dõi",
    "hướng dẫn",
    "tổng hợp",
    "chỉ đạo",
    "báo cáo",
    "tham mưu",
    "triển khai",
    "có trách nhiệm",
    "chịu trách nhiệm",
    "là cơ quan",
    "căn cứ",
    "tổ chức",
    "xây dựng",
    "kiểm tra",
    "rà soát",
    "đôn đốc",
    "phụ trách",
    "cung cấp",
    "chủ động",
    "hỗ trợ",
    "bố trí",
    "tiếp tục",
    "đẩy mạnh",
    "tăng cường",
    "nghiên cứu",
    "quyết định",
    "được giao",
    "có nhiệm vụ",
    "nắm",
)
# Capitalised, these begin names too ("Ban Chỉ đạo", "Ban Tổ chức", "Trung tâm Hỗ trợ …"):
# only these capitalised forms end a name.
UNIT_DUTY_WORDS_CAPITALISED: tuple[str, ...] = (
    "Chủ trì",
    "Phối hợp",
    "Thực hiện",
    "Tham mưu",
    "Là cơ quan",
    "Có trách nhiệm",
    "Chịu trách nhiệm",
    "Triển khai",
    "Theo dõi",
    "Căn cứ",
    "Tiếp tục",
    "Chủ động",
    "Đẩy mạnh",
    "Tăng cường",
    "Rà soát",
    "Cung cấp",
)
# A unit name that opens with these names many bodies at once ("Các sở, ban, ngành").
COLLECTIVE_UNIT_HEADS: tuple[str, ...] = ("cac", "nhung", "moi", "toan the")
# What a collective name must go on with to name bodies ("Các sở, ngành", not "Các bệnh …"), folded.
COLLECTIVE_BODY_WORDS: tuple[str, ...] = (
    "so",
    "bo",
    "ban",
    "nganh",
    "co quan",
    "don vi",
    "dia phuong",
    "uy ban",
    "ubnd",
    "phong",
    "xa",
    "phuong",
    "huyen",
    "hoi",
    "to chuc",
    "doanh nghiep",
    "truong",
    "co so",
    "tinh uy",
    "dang uy",
    "doan the",
    "chi cuc",
    "trung tam",
    "tap doan",
    "cong ty",
    "vien",
    "thanh vien",
)

# Heads that name a particular body only when a capitalised name follows ("Phòng Tổ chức",
# "Trường Đại học …"), not in running text ("Phòng chống dịch", "Trường hợp …", "Cục thuộc bộ").
UNIT_HEADS_NEED_NAME: tuple[str, ...] = (
    "Sở",
    "Phòng",
    "Trường",
    "Ban",
    "Trung tâm",
    "Cục",
    "Chi cục",
    "Tổng cục",
    "Vụ",
    "Viện",
    "Hội",
    "Đài",
    "Báo",
    "Văn phòng",
    "Cơ quan",
    "Đoàn",
    "Kho bạc",
    "Thanh tra",
    "Ngân hàng",
    "Công ty",
)
# Document types whose numbered parts are provisions, not tasks given to units.
LEGAL_DOC_TYPES: frozenset[str] = frozenset(
    {"Luật", "Nghị định", "Thông tư", "Thông tư liên tịch", "Pháp lệnh"}
)

# Recurring deadlines, folded -> as shown ("Hàng năm" and "hằng năm" are one).
RECURRING_DEADLINES: dict[str, str] = {
    "thuong xuyen": "thường xuyên",
    "hang nam": "hằng năm",
    "hang quy": "hằng quý",
    "hang thang": "hằng tháng",
    "hang tuan": "hằng tuần",
    "dinh ky": "định kỳ",
    "lien tuc": "liên tục",
}

# Relations a document states with a document it cites, by the words that introduce the
# citation (folded): key -> (label, introducing words). The last such words before a
# citation name its relation.
REFERENCE_RELATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "based_on": ("Căn cứ", ("can cu",)),
    "implements": (
        "Thực hiện",
        (
            "thuc hien",
            "trien khai",
            "cu the hoa",
            "de thuc hien",
            "huong dan thuc hien",
            "quan triet",
            # "Căn cứ chỉ đạo của … tại …": directions carried out, not a legal basis.
            "can cu chi dao",
            "can cu y kien chi dao",
            "can cu ket luan",
        ),
    ),
    "attached_to": ("Kèm theo", ("kem theo", "ban hanh kem theo")),
    "replaces": ("Thay thế", ("thay the",)),
    "amends": ("Sửa đổi", ("sua doi", "dinh chinh")),
}


# "bao nhiêu <unit>": a question asking for a quantity in a unit (folded) is answered only by a
# figure in that unit: kind -> (the question's words, the answer's figure; "{unit}" stands for the
# unit the question named). Money may be written with its scale ("1,5 tỷ đồng", "200.000
# đồng/người/ngày"), and a table cell may carry the unit in its column header ("Đơn giá (đồng): 538.986").
# A figure starts where its digits start ("(?<![\d.,])"): tried at every digit of a long run,
# the pattern would read the run again from each one (quadratic).
ASKED_UNITS: dict[str, tuple[str, str]] = {
    # "bao nhiêu tỷ đồng": a sum in that scale ("1,5 tỷ đồng", "Kinh phí (tỷ đồng): 12"), not "120 triệu".
    "money_scale": (
        r"\bbao nhieu (?P<unit>ty|trieu|nghin|ngan) dong\b",
        r"(?<![\d.,])\d[\d.,]*\s*{unit}\b|\({unit} dong\)\s*:\s*\d",
    ),
    "money": (
        r"\bbao nhieu (?:tien|dong|trieu dong|ty dong|nghin dong)\b|\bso tien (?:la )?bao nhieu\b",
        r"(?<![\d.,])\d[\d.,]*\s*(?:dong|d\b|trieu|ty|nghin|ngan|vnd)|\((?:trieu |ty |nghin )?dong\)\s*:\s*\d",
    ),
    "percent": (
        r"\bbao nhieu (?:phan tram|%)",
        r"(?<![\d.,])\d[\d.,]*\s*(?:%|phan tram)|\((?:%|phan tram)\)\s*:\s*\d",
    ),
    # "… trả lời công văn số mấy?": the number of a document.
    "document_number": (
        r"\b(?:cong van|quyet dinh|ke hoach|thong tu|nghi dinh|nghi quyet|chi thi|van ban|bao cao|to trinh)"
        r"\s+so\s+(?:may|bao nhieu|nao)\b",
        r"\b\d{1,5}(?:/\d{4})?[/-][a-z]{1,8}\b",
    ),
    # "… theo quy định nào?": a provision (an article of a document).
    "provision": (
        r"\btheo (?:quy dinh|dieu|dieu khoan|van ban) nao\b",
        # an article, or a document by its number ("theo Nghị định số 13/2023/NĐ-CP")
        r"\b(?:(?:diem [a-z] )?khoan \d+ )?dieu \d+\b|\b\d{1,4}/\d{4}/[a-z]",
    ),
    # "từ tháng mấy đến tháng mấy": a month.
    "month": (r"\bthang may\b", r"\bthang (?:0?[1-9]|1[0-2])\b"),
    "measure": (
        r"\bbao nhieu (?P<unit>mm|cm|km2|km|m2|m3|m|ha|kg|tan|lit|mw|kw)\b",
        r"(?<![\d.,])\d[\d.,]*\s*{unit}\b|\({unit}\)\s*:\s*\d",
    ),
}


# A unit handed tasks by where they sit in the plan ("Chi cục Hải quan: Chủ trì triển khai các
# nhiệm vụ tại mục (IV)(3.4)(a)", "Chủ trì thực hiện nhiệm vụ nêu tại điểm b mục 2 phần III"):
# the words (folded) before the reference, per role.
DELEGATION_CUES: dict[str, str] = {
    "lead_unit": r"\bchu tri\b[^.;:]{0,60}?\bnhiem vu\b[^.;:]{0,25}?\b(?:neu tai|quy dinh tai|tai|o)\s+",
}

# Signing on another's authority, as printed above a signer's title (folded mark -> words):
# "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" is signed by a deputy "ký thay Giám đốc".
SIGNING_MARKS: dict[str, str] = {
    "tm": "thay mặt",
    "kt": "ký thay",
    "tl": "thừa lệnh",
    "tuq": "thừa ủy quyền",
    "q": "Quyền",  # "Q. GIÁM ĐỐC": the signer's own title, acting head
}
# Position titles (folded) as running text writes them: the title word capitalised, the rest
# lower-case ("PHÓ CHÁNH VĂN PHÒNG" -> "Phó Chánh Văn phòng"); "phó" prefixes any of them.
POSITION_TITLES: dict[str, str] = {
    "chu tich": "Chủ tịch",
    "tong giam doc": "Tổng Giám đốc",
    "giam doc": "Giám đốc",
    "bo truong": "Bộ trưởng",
    "thu truong": "Thứ trưởng",
    "thu tuong": "Thủ tướng",
    "truong ban": "Trưởng ban",
    "chanh van phong": "Chánh Văn phòng",
    "chanh thanh tra": "Chánh Thanh tra",
    "truong phong": "Trưởng phòng",
    "chu nhiem": "Chủ nhiệm",
    "tong cuc truong": "Tổng cục trưởng",
    "cuc truong": "Cục trưởng",
    "vu truong": "Vụ trưởng",
    "vien truong": "Viện trưởng",
    "hieu truong": "Hiệu trưởng",
    "chanh an": "Chánh án",
    "vien truong vien kiem sat": "Viện trưởng Viện kiểm sát",
    "tong bi thu": "Tổng Bí thư",
    "bi thu": "Bí thư",
    "tong kiem toan nha nuoc": "Tổng Kiểm toán nhà nước",
    "tong kiem toan": "Tổng Kiểm toán",
    "truong": "Trưởng",
    # bodies signed on behalf of ("TM. HỘI ĐỒNG THẨM PHÁN"), whose name's rest follows
    "hoi dong": "Hội đồng",
}

# --- real files: text layers, signature blocks, kinds (issue 20; rag/textlayer.py, rag/parser/) ----

# Consistent font-map faults of PDF text layers: name -> {glyph as extracted: letter on the page}.
# A repair is applied only when it measurably raises the share of well-formed syllables
# (rag/textlayer.repair_layer). "eth_for_d": publishers' fonts that map "Đ" to "ð" and "đ" to "ñ".
FONT_MAP_REPAIRS: dict[str, dict[str, str]] = {
    "eth_for_d": {"ð": "Đ", "ñ": "đ"},
    "eth_for_d_lower": {"ð": "đ", "Ð": "Đ"},
}

# Ranks and titles printed before a signer's name ("Thượng tướng Nguyễn Văn Long",
# "PGS.TS. Trần Văn A", "Đại tá Lê B"), folded, dots and spaces as written optional. The name is
# what follows; longest first so "pho giao su" wins over "giao su".
SIGNER_NAME_PREFIXES: tuple[str, ...] = tuple(
    sorted(
        (
            # military and police ranks
            "dai tuong",
            "thuong tuong",
            "trung tuong",
            "thieu tuong",
            "dai ta",
            "thuong ta",
            "trung ta",
            "thieu ta",
            "dai uy",
            "thuong uy",
            "trung uy",
            "thieu uy",
            "do doc",
            "pho do doc",
            "chuan do doc",
            # academic and professional titles (spelt out and abbreviated)
            "giao su",
            "pho giao su",
            "tien si",
            "thac si",
            "bac si",
            "duoc si",
            "ky su",
            "luat su",
            "nha giao uu tu",
            "nha giao nhan dan",
            "thay thuoc uu tu",
            "thay thuoc nhan dan",
            "nghe si nhan dan",
            "nghe si uu tu",
            "gs",
            "pgs",
            "ts",
            "ths",
            "tskh",
            "bs",
            "ds",
            "ks",
            "ls",
            "cn",
            "bsckii",
            "bscki",
            "ngut",
            "ttut",
            "nsnd",
            "nsut",
            # party titles printed before the name in Party documents
            "dong chi",
        ),
        key=len,
        reverse=True,
    )
)

# Kinds of documents met among real files, folded title -> canonical name; merged into DOC_TYPES
# and NUMBER_CODES below (a court precedent's title reads "ÁN LỆ SỐ 69/2023/AL").
FILE_KIND_DOC_TYPES: dict[str, str] = {
    "an le": "Án lệ",
    "phieu trinh": "Phiếu trình",
}
FILE_KIND_NUMBER_CODES: dict[str, str] = {"al": "Án lệ", "pt": "Phiếu trình"}
DOC_TYPES.update(FILE_KIND_DOC_TYPES)
NUMBER_CODES.update(FILE_KIND_NUMBER_CODES)

# Unnumbered section headings printed as all-capitals lines in some kinds (a court precedent's
# parts), folded -> the name used in locators. NAMED_SECTIONS open a section anywhere;
# NAMED_SECTIONS_AFTER only once one of them has ("QUYẾT ĐỊNH" is otherwise a type title or the
# enacting word of a decision).
NAMED_SECTIONS: dict[str, str] = {
    "noi dung vu an": "Nội dung vụ án",
    "noi dung vu viec": "Nội dung vụ việc",
    "nhan dinh cua toa an": "Nhận định của Tòa án",
    "nhan dinh cua hoi dong tham phan": "Nhận định của Hội đồng Thẩm phán",
    "noi dung an le": "Nội dung án lệ",
}
NAMED_SECTIONS_AFTER: dict[str, str] = {
    "quyet dinh": "Quyết định",
    "vi cac le tren": "Vì các lẽ trên",
}

# How a document says when it takes effect, folded: "Thông tư này có hiệu lực (thi hành) (kể) từ ngày …",
# "… có hiệu lực kể từ ngày ký". Retrieval lifts these sentences when a question asks when a
# document takes effect.
TAKES_EFFECT: str = r"\bco hieu luc(?: thi hanh)?(?: ke)? tu\b"

# Bounds on a quantity, folded ("trên 20 năm", "không quá 05 ngày", "từ 18 tuổi trở lên"): the
# direction each word gives (more / less). Words before the quantity, then words after it. A
# question's bound and a clause's bound on the same quantity must agree (rag.text.bounded_quantities).
BOUNDS_BEFORE: dict[str, str] = {
    "khong duoi": "more",
    "khong it hon": "more",
    "it nhat": "more",
    "toi thieu": "more",
    "vuot qua": "more",
    "nhieu hon": "more",
    "tren": "more",
    "hon": "more",
    "khong qua": "less",
    "khong vuot qua": "less",
    "toi da": "less",
    "nhieu nhat": "less",
    "chua du": "less",
    "chua den": "less",
    "it hon": "less",
    "duoi": "less",
}
BOUNDS_AFTER: dict[str, str] = {"tro len": "more", "tro xuong": "less"}

# Nouns a roman numeral after them places in a document ("mục II", "Phụ lục I", "quý IV") rather
# than labelling the thing asked about ("hạng II", "nhóm I", "vùng III"), folded.
# Nouns of an occasion that repeats, counted by an ordinal after them ("lần đầu", "đợt thứ hai",
# "kỳ thứ 3"): a question naming one is about that occasion, not another one (folded).
OCCASION_NOUNS: frozenset[str] = frozenset(
    {"lan", "dot", "ky", "luot", "vong", "phien", "khoa", "nam", "giai doan", "buoc"}
)
# Ordinal words after such a noun, folded, by the number they stand for.
ORDINAL_WORDS: dict[str, int] = {
    "dau tien": 1,
    "dau": 1,
    "thu nhat": 1,
    "thu hai": 2,
    "thu ba": 3,
    "thu tu": 4,
    "thu nam": 5,
    "thu sau": 6,
    "thu bay": 7,
    "thu tam": 8,
    "thu chin": 9,
    "thu muoi": 10,
}

LOCATING_NOUNS: frozenset[str] = frozenset(
    {"muc", "phan", "chuong", "luc", "quy", "dieu", "khoan", "diem", "thu", "khoa", "tiet"}
)

# How questions ask, with their marks: an unmarked query ("thang may nam nao") takes these
# spellings for its question words, which the clauses it matches do not hold (index.hybrid
# gives an unmarked query its marks before the dense search; rag.restore reads each as text).
QUESTION_PHRASES: tuple[str, ...] = (
    "bao nhiêu phần trăm",
    "bao nhiêu tiền",
    "bao lâu",
    "tháng mấy năm nào",
    "ngày nào tháng nào",
    "cơ quan nào",
    "đơn vị nào",
    "sở nào",
    "những gì",
    "là gì",
    "ở đâu",
    "khi nào",
    "ai ký",
    "như thế nào",
    "có phải không",
    "đúng hay sai",
)

# How a rule states its residual case, the one left after the cases it lists (folded): "không
# thuộc trường hợp quy định tại điểm a khoản này", "ngoài các trường hợp nêu tại …", "các trường
# hợp còn lại", "trường hợp khác".
RESIDUAL_CASE_PHRASES: tuple[str, ...] = (
    r"khong thuoc (?:cac )?truong hop (?:quy dinh|neu)",
    r"ngoai (?:cac )?truong hop (?:quy dinh|neu)",
    r"(?:cac )?truong hop con lai",
    r"(?:cac )?truong hop khac\b",
)
