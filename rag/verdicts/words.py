"""How statements and clauses word the facts a verdict turns on (folded, data only).

A statement is judged against the clause that states its provision: the words that carry a
fact — a negation, a quantity, a date, who acts, a bound or a condition — must agree. These
tables say which words those are; `rag.verdicts.tokens` and `rag.verdicts.compare` read them.
"""

from __future__ import annotations

# Negation cues. "không"/"chưa" before these words is a bound or another word, not a negation
# ("không quá 12 tháng", "không chỉ", "chưa thành niên").
NEGATION_WORDS: tuple[str, ...] = ("khong", "chua")
NOT_NEGATION_AFTER: frozenset[str] = frozenset(
    {"qua", "duoi", "vuot", "thap", "it", "ke", "chi", "thanh", "muon", "som", "nhieu", "tren", "hon"}
)
# The cues with their marks (folded "chua" is also "Chùa", "khong" "khống").
NEGATION_MARKED: frozenset[str] = frozenset({"không", "chưa", "cấm"})
# Bans negate what follows them: "nghiêm cấm", "bị cấm", "cấm" (not "cam kết").
NOT_BAN_AFTER: frozenset[str] = frozenset({"ket", "nhan", "thong", "xuc", "on", "tu", "ung"})

# Words that say a number is a locator, a document number or a name, not a quantity ("Điều 5").
LOCATOR_WORDS: frozenset[str] = frozenset(
    {"dieu", "khoan", "diem", "chuong", "muc", "phu", "so", "luc", "nhom", "hang", "loai", "phan"}
)

# The heads of a clause's place ("Điều 3", "khoản 2"): their number is never a value a choice
# gives (unlike "số", "loại", "hạng": "hệ số 3,0", "loại 2").
LOCATOR_HEADS: frozenset[str] = frozenset({"dieu", "khoan", "diem", "chuong", "muc"})

# Words of opposite sense in one slot: a bound, an order in time, an exception, an obligation.
OPPOSITES: tuple[tuple[str, str], ...] = (  # with their marks: folded "tru" is also "lưu trữ"
    ("tối đa", "tối thiểu"),
    ("trở lên", "trở xuống"),
    ("không quá", "không dưới"),
    ("ít nhất", "nhiều nhất"),
    ("ít nhất", "tối đa"),
    ("tối thiểu", "nhiều nhất"),
    ("trước", "sau"),
    ("trừ", "kể cả"),
    ("cao hơn", "thấp hơn"),
    ("lớn hơn", "nhỏ hơn"),
    ("bắt buộc", "tự nguyện"),
    ("chậm nhất", "sớm nhất"),
    ("trên", "dưới"),
    ("vượt quá", "chưa đến"),
    ("tăng", "giảm"),
    ("liền kề", "không liền kề"),
    ("độc lập", "phụ thuộc"),
    ("một lần", "nhiều lần"),  # "chỉ được tính một lần" against "được tính nhiều lần"
    ("độc lập", "không tách rời"),  # "một phần không (thể) tách rời của X" against "độc lập với X"
    ("độc lập", "không thể tách rời"),
    ("miễn phí", "có phí"),
    ("miễn phí", "thu phí"),
)
# Words that make a statement conditional or excepted: unmatched in the clause, no plain verdict.
CONDITION_WORDS: tuple[str, ...] = ("nếu", "khi", "trừ", "trường hợp", "kể cả")

# Words that frame what an exception excepts ("trừ trường hợp quy định tại khoản 2"), not its content.
EXCEPTION_FRAME: frozenset[str] = frozenset(
    {"truong", "hop", "hinh", "thuc", "khoan", "dieu", "diem", "khac", "nghi", "thong", "tu", "so"}
)

# Who acts or holds a right: roles and bodies laws name (folded, longest first when matched).
ACTOR_PHRASES: tuple[str, ...] = (
    "nguoi su dung lao dong",
    "nguoi lao dong",
    "nguoi dung dau",
    "nguoi dai dien",
    "nguoi nop thue",
    "nguoi dan",
    "ben nhan bao dam",
    "ben bao dam",
    "ben thu ba",
    "chinh phu",
    "thu tuong chinh phu",
    "thu tuong",
    "quoc hoi",
    "uy ban thuong vu quoc hoi",
    "bo chinh tri",
    "ban bi thu",
    "bo truong",
    "thu truong",
    "cuc truong",
    "vu truong",
    "giam doc",
    "pho giam doc",
    "chanh van phong",
    "chanh thanh tra",
    "chu tich",
    "pho chu tich",
    "cap truong",
    "cap pho",
    "to chuc dich vu viec lam cong",
    "to chuc dich vu viec lam",
    "to chuc mua ban xu ly no",
    "dang kiem vien",
    "doanh nghiep",
    "co quan thue",
    "co quan quan ly",
    "co quan su dung",
    "co quan co tham quyen",
    "toa an",
    "vien kiem sat",
    "kiem toan nha nuoc",
    "ngan hang",
    "bao hiem xa hoi",
    "uy ban nhan dan",
    "hoi dong nhan dan",
    "mat tran to quoc",
    "can bo",
    "cong chuc",
    "vien chuc",
)
# A level after a body or a title is part of who acts ("Ủy ban nhân dân cấp xã").
ACTOR_LEVELS: tuple[str, ...] = ("cap tinh", "cap xa", "cap huyen", "cap trung uong", "cap bo", "cap co so")
# Heads of a body's name, followed by its capitalised name ("Bộ Nội vụ", "Sở Tài chính").
NAMED_BODY_HEADS: frozenset[str] = frozenset(
    {
        "bo",
        "so",
        "cuc",
        "vu",
        "ban",
        "phong",
        "vien",
        "tong cuc",
        "chi cuc",
        "van phong",
        "thanh tra",
        "ngan hang",
        "trung tam",
        "hoi dong",
        "uy ban",
        "kho bac",
        "toa an",
    }
)

# Words of little weight: a statement's wording may leave them out or change them.
LIGHT_WORDS: frozenset[str] = frozenset(
    {
        "la",
        "cua",
        "cac",
        "nhung",
        "duoc",
        "theo",
        "cho",
        "voi",
        "trong",
        "nay",
        "do",
        "de",
        "tu",
        "tai",
        "ve",
        "thi",
        "ma",
        "mot",
        "nhu",
        "bang",
        "o",
        "viec",
        "su",
        "quy",
        "dinh",
        "phap",
        "luat",
        "co",
        "lien",
        "quan",
        "doi",
        "hien",
        "hanh",
        "vao",
        "ra",
        "boi",
        "nham",
        "hay",
        "cung",
        "da",
        "se",
        "dang",
        "ca",
        "nhan",
        "to",
        "chuc",
    }
)
# A statement that opens by naming its source ("Theo Luật …, "): not part of the claim.
SOURCE_OPENERS: tuple[str, ...] = ("theo", "can cu", "tai")
SOURCE_WORDS: frozenset[str] = frozenset(
    {
        "luat",
        "nghi dinh",
        "thong tu",
        "quyet dinh",
        "nghi quyet",
        "chi thi",
        "van ban",
        "quy dinh",
        "phap lenh",
        "bo luat",
        "hien phap",
        "quy che",
        "huong dan",
        "ke hoach",
        "cong van",
        "thong bao",
        "ket luan",
        "dieu",
    }
)

# The words a question asks with, not what it is about, with their marks (folded "bao" is also
# "bảo", "may" "máy"): "bao nhiêu", "bao lâu", "nào", "ai".
QUESTION_WORDS: frozenset[str] = frozenset({"nhiêu", "lâu", "nào", "gì", "ai", "mấy", "đúng", "sai"})
QUESTION_OPENERS: frozenset[str] = frozenset({"bao"})  # "bao" before "nhiêu", "lâu"
# A value changed: "từ X xuống Y", "từ X lên Y", "từ X thành Y" (X before, Y after); the stem asks
# the value after the change ("sau khi điều chỉnh") or before it ("trước khi …", "ban đầu").
CHANGE_FROM = "tu"
CHANGE_TO: frozenset[str] = frozenset({"xuong", "len", "thanh"})
CHANGE_AFTER: tuple[str, ...] = ("sau khi", "sau dieu chinh", "sau thay doi")
CHANGE_BEFORE: tuple[str, ...] = ("truoc khi", "truoc dieu chinh", "truoc thay doi", "ban dau")
# Words that stop an act, with their marks (folded "dung" is also "dùng", "dụng"): "dừng chức năng
# cấp mã số thuế" says the act is not done, as "không" would.
STOP_WORDS: frozenset[str] = frozenset({"dừng", "ngừng"})

# Administrative units merged (rag/verdicts/mergers.py). The levels a unit is named with, and how
# a resolution arranges units: "Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của <units>
# thành <level> mới có tên gọi là <level> <name>", "Nhập toàn bộ … của <unit> vào <unit>".
UNIT_LEVELS: tuple[str, ...] = (
    "xã",
    "phường",
    "thị trấn",
    "thị xã",
    "huyện",
    "quận",
    "tỉnh",
    "thành phố",
    "đặc khu",
)
MERGER_CLAUSE = (
    r"(?P<verb>Sắp xếp|Nhập)\s+toàn bộ diện tích tự nhiên,?\s*(?:và\s+)?(?:toàn bộ\s+)?quy mô dân số\s+"
    r"(?:của\s+)?(?P<members>.+?)\s+(?:thành|vào)\s+(?P<into>[^.;]+)"
)
# How a statement says units were merged: "<units> (được) nhập/sáp nhập vào <unit>", "<unit>
# thuộc <unit> mới", "<unit> mới (được thành lập) từ/gồm <units>". Negated ones are not read.
MERGER_STATEMENTS: tuple[str, ...] = (
    r"^(?P<members>.*?\S)\s+(?:(?:được|đã|sẽ|bị)\s+)*(?:sáp nhập|nhập|sắp xếp|hợp nhất)\s+(?:vào|thành|với)\s+"
    r"(?P<into>.+)",
    r"^(?P<members>.*?\S)\s+(?:(?:được|đã|sẽ)\s+)*(?:thuộc về|thuộc|trở thành một phần của)\s+(?P<into>.*?\S)\s+mới",
    r"^(?P<into>.*?\S)\s+mới\s+(?:(?:được|đã)\s+)*(?:(?:thành lập|hình thành|sắp xếp|lập)\s+)?"
    r"(?:từ|gồm có|gồm|bao gồm)\s+(?P<members>.+)",
)

# A document calling what it reports false ("xuất hiện thông tin sai lệch, không chính xác về việc
# …"): a statement that retells that report is false. The cue must open a report ("về việc", "rằng",
# "lan truyền" after it), not name a banned act ("cung cấp thông tin sai lệch" in a list of bans).
DENIAL_CUES: tuple[str, ...] = (
    "thong tin sai lech",
    "thong tin khong chinh xac",
    "sai lech, khong chinh xac",
    "thong tin sai su that",
    "tin gia",
    "tin don",
)
DENIAL_REPORTS: tuple[str, ...] = ("ve viec", "rang", "lan truyen", "cho rang")

# A sentence opening with these (lower case, with their marks: folded "do" is also "đó", and
# "Trường hợp do …" is a new case) gives the consequence of the case the sentences before it tell
# ("Ví dụ: … cuốn mái nhà … . Trường hợp này là sự kiện bất khả kháng nên A không phải …").
BACK_REFERENCES: tuple[str, ...] = (
    "trường hợp này",
    "trong trường hợp này",
    "trường hợp đó",
    "trong trường hợp đó",
    "khi đó",
    "như vậy",
    "do đó",
    "vì vậy",
)
# A statement "Nếu <case> thì <consequence>" (folded first words; "thi" parts the two).
CASE_OPENERS: tuple[str, ...] = ("neu", "khi", "trong truong hop", "truong hop")
