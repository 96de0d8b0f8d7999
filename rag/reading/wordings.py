"""How Vietnamese questions word what they ask: labelled pattern tables (data), read by
``rag.reading.matcher``. Patterns are over the folded question (no marks, lower-case).

- SLOTS: what is asked. Ordered: the first wording that reads a question gives its slot.
- CUES: what else the wording says (a unit's tasks, tasks due, lineage, in effect, …); every
  matching cue is kept. Strategies claim slots and cues.
- PARTS: the part of a document retrieval lifts next to the matched clause (a task's field,
  the signature, the recipients).

A wording earns its place by being how officials phrase that slot in general, across issuers;
each one lists phrasings it reads (tested in tests/rag/test_reading_wordings.py).
"""

from __future__ import annotations

from rag.reading.matcher import Wording
from rag.values import TIME_UNITS
from rag.vocabulary import DOC_TYPES

# --- shared word lists ----------------------------------------------------------------------
# "từ mấy giờ", "lúc mấy giờ", "đến mấy giờ": a time of day asked (rag.values.hours_in), not a
# count or a length of hours; put before a count or a length asked.
_NOT_AN_HOUR = r"(?<!luc )(?<!tu )(?<!den )(?<!toi )(?<!truoc )(?<!sau )(?<!vao )"
# Folded words before "luc nao" that make it no time asked: "bất cứ lúc nào" and nouns in "lục"/"lực".
_NOT_WHEN_BEFORE_LUC = (
    "bat cu",
    "bat ky",
    "bat ki",
    "phu",
    "muc",
    "nguon",
    "nhan",
    "nang",
    "hieu",
    "dong",
    "ap",
    "no",
    "the",
    "suc",
    "quyen",
    "vat",
    "tro",
    "tam",
    "binh",
    "chu",
    "ky",
)
MACROS: dict[str, str] = {
    # Titles people hold: "ai là <title>" / "<title> là ai" asks for a person's name.
    "TITLE": r"(?:pho\s+)?(?:chu tich|giam doc|bi thu|truong phong|truong ban|thu tuong|bo truong"
    r"|chanh van phong|tong giam doc|truong|nguoi dung dau"
    # the roles a council, a delegation or a working group lists its members with
    r"|uy vien(?: thu ky| thuong truc)?|thu ky|truong doan|to truong)",
    # Units a count is asked in ("mấy năm", "bao nhiêu ngày làm việc").
    "COUNT_UNIT": r"(?:nam|thang|tuan|ngay|gio|lan|nguoi|muc|diem|dot|buoc|loai|nhom|truong hop|thanh vien"
    r"|ban|mau)",
    # Units of time: "bao nhiêu ngày", "mấy tháng" ask a length of time (rag.values.durations).
    "TIME_UNIT": f"(?:{TIME_UNITS})",
    # A length of time asked: "bao lâu", "bao nhiêu ngày", "mấy tháng", "bao nhiêu thời gian" (the
    # question's cue and a part's value type read it alike).
    # "thời hiệu (xử lý kỷ luật) là bao nhiêu": a length named by its noun, the unit left unsaid.
    "LENGTH_ASKED": rf"{_NOT_AN_HOUR}(?:bao nhieu|may)\s+(?:{TIME_UNITS}|thoi gian)\b|bao lau"
    r"|(?:thoi hieu|thoi gian)\s++(?:[^\s?]++\s++){0,6}?la\s++bao nhieu",
    "NOT_AN_HOUR": _NOT_AN_HOUR,
    # "lúc nào" asking when, not "bất cứ / bất kỳ lúc nào" ("at any time") nor, once folded, a noun
    # ending in "lục"/"lực" ("phụ lục nào", "nguồn lực nào").
    "NOT_ANY_TIME": "".join(rf"(?<!{w} )" for w in _NOT_WHEN_BEFORE_LUC),
    # Document types, longest first ("kế hoạch hành động" before "kế hoạch"), and "văn bản".
    "DOC": "|".join(["van ban", *sorted(DOC_TYPES, key=len, reverse=True)]),
    # Types asked for in lineage questions ("kế hoạch nào triển khai …").
    "ASKED_DOC": r"van ban|ke hoach|quyet dinh|cong van|chi thi|nghi quyet|nghi dinh|thong tu|luat|thong bao"
    r"|huong dan|chuong trinh|quy che|quy dinh|de an|cong dien|ket luan",
    # What a body is asked to do, when a question asks which body does it.
    "DUTY": r"chi dao|dieu phoi|tiep nhan|quan ly|tham muu|huong dan|to chuc|kiem tra|thanh tra|giam sat|tong hop"
    r"|tham dinh|phe duyet|quyet dinh|xu ly|cung cap|bao dam|dam bao|theo doi|trinh|de xuat|giai quyet|khac phuc"
    r"|bo tri|can doi|cap|trien khai|xay dung|lap|chi tra|cap phep|thu hoi|cong bo|tuyen truyen|phoi hop voi",
    # Titles of the people who sign documents ("Phó Chủ tịch", "Thứ trưởng", "Chủ tịch HĐND").
    "SIGNER": r"(?:pho\s+)?(?:chu tich|giam doc|bi thu|truong ban|thu tuong|bo truong|thu truong|tong giam doc"
    r"|chanh van phong|cuc truong|chanh an|vien truong)(?:\s+(?:ubnd|hdnd|uy ban nhan dan|hoi dong nhan dan))?",
    # Bodies a document is sent to ("gửi Bộ Công an … qua đơn vị nào").
    "BODY": r"bo|so|cuc|ban|vu|uy ban|ubnd|hdnd|chu tich|van phong|tinh uy|thanh uy|thu tuong|chinh phu"
    r"|quoc hoi",
}

# The value each slot is filled with (what a typed extractor of the follow-up work looks for).
VALUE_TYPES: dict[str, str] = {
    "lead_unit": "unit",
    "coordinating_unit": "unit",
    "acting_unit": "unit",
    "recipient": "unit",
    "signer": "person",
    "person": "person",
    "date": "date",
    "deadline": "period",
    "figure": "number",
    "target": "text",
    "document_number": "document_number",
    "content": "text",
}

# --- slots: the first wording that reads a question names what it asks -----------------------
SLOTS: tuple[Wording, ...] = (
    Wording(
        "person",
        r"\bai\s+(?:la|dang la|hien la)\s+{TITLE}\b",
        (
            "Ai là Chủ tịch UBND tỉnh?",
            "Ai hiện là Giám đốc Sở Y tế?",
            "ai dang la truong ban chi dao",
            "Ai là Ủy viên thư ký Hội đồng thi đua?",
        ),
    ),
    Wording(
        "person",
        r"\b{TITLE}\b[\w\s]{0,60}\bla ai\b",
        ("Giám đốc Sở Tài chính là ai?", "Trưởng ban chỉ đạo của tỉnh là ai?"),
    ),
    Wording(
        "signer",
        r"\b(?:ai|nguoi nao|ong nao|ba nao|chuc danh nao)\s+(?:da\s+)?(?:dung ten\s+)?ky\b",
        (
            "Ai ký công văn này?",
            "ai ky bao cao",
            "Ai đứng tên ký văn bản này?",
            "Người nào đã ký quyết định?",
        ),
    ),
    Wording("signer", r"\bnguoi ky\b|\bky\s+boi\b", ("Người ký kế hoạch là ai?", "Văn bản được ký bởi ai?")),
    Wording(
        "signer",
        # "Phó Chủ tịch nào (của UBND tỉnh …) ký …", "Thứ trưởng nào ký …": the signer asked by title.
        r"\b{SIGNER}\s+(?:\w+\s+){0,2}?nao\b[^?]{0,80}?\bky\b",
        (
            "Phó Chủ tịch nào của UBND tỉnh ký quyết định về bảo vệ rừng?",
            "Thứ trưởng nào ký công văn của Bộ Nội vụ?",
            "Chủ tịch HĐND nào ký nghị quyết về mức chuẩn trợ giúp xã hội?",
            "chi thi ve phong chong han han pho chu tich nao ky",
        ),
    ),
    Wording(
        "signer",
        # A consolidated text is authenticated, not signed: "Ai xác thực văn bản hợp nhất …?"
        r"\b(?:ai|nguoi nao)\s+(?:da\s+)?xac thuc\b",
        ("Ai xác thực văn bản hợp nhất về quản lý vật liệu nổ?", "Người nào xác thực văn bản hợp nhất này?"),
    ),
    Wording(
        "recipient",
        r"\bkinh gui\b|\bnoi nhan\b|\bgui\s+(?:cho\s+|den\s+|toi\s+|ve\s+)?(?:ai|dau|nhung|co quan|don vi|cac"
        r"|noi nao)\b|\b(?:duoc|da) gui\b|(?<!tiep )\bnhan van ban\b",
        ("Công văn được gửi đến những cơ quan nào?", "Kính gửi ai?", "Nơi nhận của quyết định gồm những ai?"),
        # A request, file or procedure sent somewhere ("hồ sơ gia hạn gửi về đâu", "cấp mới … thì
        # gửi đâu") is a step the text lays down, not the document's recipients.
        unless=(
            r"\b(?:thu tuc|ho so|de nghi|to khai|don|yeu cau|cap moi|gia han|dang ky)\b[^?]{0,80}?\bgui\b",
            r"\bthi gui\b",
        ),
    ),
    Wording(
        "recipient",
        # "Công điện … gửi Chủ tịch UBND những tỉnh nào": a document sent to whom (not "units send
        # their files to which office", which the text answers).
        r"\b(?:{DOC})\b[^?]*?\bgui\b(?:\s+\w+){0,6}?\s+(?:nhung|cac)\s+(?:[\w,]+\s+){0,3}nao\b",
        (
            "Công điện số 12/CĐ-TTg gửi Chủ tịch UBND những tỉnh, thành phố nào?",
            "Văn bản này gửi các sở, ban, ngành nào?",
        ),
    ),
    Wording(
        "recipient",
        # "Kế hoạch … gửi Bộ Công an (để báo cáo) qua đơn vị nào": the recipients line says "(qua …)".
        r"^(?:theo\s+)?(?:{DOC})\b[^?,]{0,60}?\bgui\s+(?:{BODY})\b[^?]*\bqua\s+(?:don vi|co quan|ai)\b",
        (
            "Kế hoạch 12/KH-UBND gửi Bộ Công an để báo cáo qua đơn vị nào?",
            "Báo cáo gửi Ủy ban nhân dân tỉnh qua cơ quan nào?",
        ),
    ),
    # "how many" outranks the verbs around it ("how many … did the department carry out").
    Wording(
        "figure",
        r"\bbao nhieu\b|\bso luong\b",
        ("Sở đã cấp bao nhiêu giấy phép?", "Số lượng doanh nghiệp được hỗ trợ?"),
    ),
    Wording(
        "coordinating_unit",
        r"\bphoi hop\b",
        ("Đơn vị phối hợp thực hiện nhiệm vụ 1 là những đơn vị nào?", "Ai phối hợp với Sở Nội vụ?"),
    ),
    Wording(
        "lead_unit",
        r"\b(?:don vi|co quan|phong|so|ai|ben|bo phan|nhung don vi|nhung co quan)\s+(?:nao\s+)?(?:la\s+)?"
        r"(?:thuc hien|chu tri|phu trach|dam nhiem|cam trich|dam trach)\b",
        (
            "Đơn vị nào chủ trì nhiệm vụ số 5 của kế hoạch?",
            "Sở nào cầm trịch việc tuyên truyền?",
            "ai thuc hien nhiem vu 4",
        ),
    ),
    Wording(
        "lead_unit",
        r"\bdo\s+(?:ai|don vi nao|co quan nao|nhung don vi nao|nhung co quan nao|phong nao)\b",
        ("nhiem vu 3 do don vi nao thuc hien", "Việc kiểm tra do cơ quan nào đảm nhận?"),
    ),
    Wording("lead_unit", r"\b(?:chu tri|dau moi)\b", ("Ai là đầu mối?", "Nhiệm vụ 2 giao ai chủ trì?")),
    Wording(
        "lead_unit",
        r"\b(?:ai|don vi nao|co quan nao)\s+(?:chiu trach nhiem|phu trach)\b"
        r"|\b(?:don vi|co quan|phong|ai)\s+nao\s+la\s+(?:co quan|don vi)\b",
        ("Ai chịu trách nhiệm tổng hợp báo cáo?", "Cơ quan nào là cơ quan thường trực?"),
    ),
    Wording(
        "acting_unit",
        # "Cơ quan nào chỉ đạo …", "ai tiếp nhận …", "bộ nào phải khắc phục …", "giao sở nào điều phối …":
        # the body that does something, named by the duty.
        r"\b(?:ai|(?:nhung\s+|cac\s+)?(?:don vi|co quan|bo|so|nganh|luc luong|to chuc|cap|phong|ban)\s+nao)"
        r"\s+(?:(?:se|phai|can|co trach nhiem|duoc giao|duoc yeu cau|duoc phan cong)\s+)?(?:{DUTY})\b"
        r"|\b(?:giao|yeu cau|phan cong|de nghi)\s+(?:cho\s+)?(?:ai|(?:don vi|co quan|bo|so|nganh|luc luong)\s+nao)\b"
        # "ai được giao lưu trữ …": whatever the act, the one it is given to is asked.
        r"|\b(?:ai|(?:don vi|co quan|bo phan|ca nhan|phong|ban)\s+nao)\s+duoc\s+(?:giao|phan cong)\b",
        (
            "Ai được giao lưu trữ hồ sơ của trường?",
            "Theo nghị quyết, cơ quan nào chỉ đạo các trường rà soát học phí?",
            "Cơ quan nào tiếp nhận hồ sơ đề nghị cấp phép khai thác cát?",
            "Kế hoạch giao sở nào điều phối các hoạt động chuyển đổi số?",
            "Bộ nào phải khắc phục các vị trí sạt lở trên tuyến quốc lộ?",
            "Ai hướng dẫn các xã lập hồ sơ?",
        ),
    ),
    Wording(
        "deadline",
        r"\bthoi gian thuc hien\b|\bthoi han\b|\bhan (?:chot|bao cao)\b|\btruoc ngay nao\b",
        ("Thời gian thực hiện nhiệm vụ 5 là khi nào?", "Thời hạn nộp báo cáo?", "Hạn chót là ngày nào?"),
    ),
    Wording(
        "deadline",
        # "báo cáo trước những ngày nào trong năm", "thực hiện trong thời gian nào", "chậm nhất khi nào".
        r"\btruoc (?:nhung|cac) ngay nao\b|\b(?:trong|vao) (?:thoi gian|thoi han|giai doan) nao\b"
        r"|\bcham nhat (?:la )?(?:ngay nao|khi nao|bao gio|luc nao)\b|\bhan (?:cuoi|nop)\b",
        (
            "Các đơn vị báo cáo trước những ngày nào trong năm?",
            "Nhiệm vụ đó thực hiện trong thời gian nào?",
            "Chậm nhất là ngày nào phải gửi hồ sơ?",
            "Hạn nộp hồ sơ là khi nào?",
        ),
    ),
    Wording("target", r"\bmuc tieu\b|\bchi tieu\b", ("Mục tiêu đến năm 2030 là gì?", "Chỉ tiêu năm 2025?")),
    Wording(
        "date",
        # "lúc nào" asks when as "khi nào" does; "bất cứ / bất kỳ lúc nào" ("at any time") does not.
        r"\bngay nao\b|\bkhi nao\b|\bbao gio\b|\bthoi diem nao\b|\bngay bao nhieu\b|{NOT_ANY_TIME}\bluc nao\b"
        r"|\bban hanh (?:vao )?ngay\b|\bngay ban hanh\b|\bnam nao\b",
        (
            "Quyết định 1169/QĐ-TTg được ban hành ngày nào?",
            "Khi nào tổ chức hội nghị?",
            "Ngày ban hành?",
            "Buổi tập huấn diễn ra lúc nào?",
        ),
    ),
    Wording(
        "figure",
        r"\bty le\b|\btan suat\b|\bmuc do\b|\bmay (?:don vi|co quan|lan|nguoi)\b",
        ("Tỷ lệ hồ sơ trực tuyến đạt?", "Tần suất đăng tin?", "Mấy lần một năm?"),
    ),
    # "mấy năm", "mấy ngày" (not "máy": the reader checks the marks)
    Wording(
        "figure", r"\b{NOT_AN_HOUR}may\s+{COUNT_UNIT}\b", ("Thời gian đào tạo mấy năm?", "Nghỉ mấy ngày?")
    ),
    Wording(
        "document_number",
        r"\bso hieu\b|\bso ky hieu\b|\bky hieu\b",
        ("Số hiệu của kế hoạch về chuyển đổi số?", "Công văn đó có số ký hiệu là gì?"),
    ),
)

# --- cues: everything else the wording says, all kept ----------------------------------------
CUES: tuple[Wording, ...] = (
    Wording(
        "tasks_of_unit",
        # "… được giao (những) nhiệm vụ gì", "nhiệm vụ của Sở X", "Sở X chủ trì những nhiệm vụ nào".
        r"\b(?:duoc giao|duoc phan cong|co|chu tri|phoi hop|dam nhiem|phu trach|thuc hien|lam)\s+"
        r"(?:nhung|cac)?\s*(?:nhiem vu|cong viec)\s*(?:gi|nao)\b"
        r"|\bnhiem vu\s+(?:cua|danh cho|giao cho|duoc giao cho)\s+\w"
        r"|\b(?:giao|phan cong)\s+(?:cho\s+)?\w.{0,80}?\s+(?:nhung|cac)\s+nhiem vu\s*(?:gi|nao)\b",
        (
            "Sở Tài chính được giao những nhiệm vụ gì?",
            "Nhiệm vụ của Sở Y tế là gì?",
            "Sở Nội vụ chủ trì những nhiệm vụ nào?",
            "Kế hoạch giao cho Công an tỉnh những nhiệm vụ nào?",
        ),
    ),
    Wording(
        "tasks_due",
        r"\b(?:nhiem vu|cong viec|viec)\s+(?:nao|gi)\b"
        r"|\b(?:nhung|cac|liet ke(?: cac)?)\s+(?:nhiem vu|cong viec|viec)\b",
        (
            "Nhiệm vụ nào phải hoàn thành trong quý IV năm 2025?",
            "Liệt kê các công việc có thời hạn trước 31/12",
            "Những việc nào phải xong trước ngày 30/6/2026?",
        ),
        also=(r"\b(?:hoan thanh|thoi han|han chot|den han|xong|phai|thuc hien)\b",),
    ),
    Wording(
        "documents_signed",
        r"\b(?:{DOC})\s+(?:nao|gi)\b",
        ("Ông Nguyễn Văn A đã ký những văn bản nào?", "Bà X ký quyết định nào?"),
        also=(r"\bky\b",),
    ),
    Wording(
        "in_effect", r"\bhieu luc\b", ("Nghị định có hiệu lực từ ngày nào?", "Luật này hết hiệu lực khi nào?")
    ),
    Wording(
        "issuing",
        # A law or resolution is issued the day its body adopts it ("thông qua ngày …").
        r"\b(?:ban hanh|ky|phat hanh|ra doi|cong bo)\b|\bthong qua (?:vao )?ngay\b",
        (
            "Quyết định được ban hành ngày nào?",
            "Kế hoạch ký ngày nào?",
            "Luật được Quốc hội thông qua ngày nào?",
        ),
    ),
    Wording(
        "which_article",
        r"\b(?:dieu|chuong|dieu khoan) (?:nao|may)\b|\bquy dinh (?:o|tai) dau\b",
        ("Điều nào quy định thời hạn?", "Nội dung này quy định ở đâu?", "Chương mấy nói về thanh tra?"),
    ),
    Wording(
        "names_task",
        r"\bnhiem vu\b",
        ("Ai thực hiện nhiệm vụ tuyên truyền?", "Nhiệm vụ xây dựng cơ sở dữ liệu do ai làm?"),
    ),
    # Fields asked beside the slot ("… do sở nào chủ trì và thực hiện giai đoạn nào?").
    Wording("asks_lead", r"\bchu tri\b", ("Sở nào chủ trì?", "Giao đơn vị nào chủ trì thực hiện?")),
    Wording("asks_coordinating", r"\bphoi hop\b", ("Đơn vị nào phối hợp?", "Những cơ quan phối hợp là ai?")),
    Wording(
        "asks_deadline",
        r"\b(?:thoi gian|thoi han|giai doan|khi nao|bao gio|tien do|han chot)\b",
        ("Thực hiện trong giai đoạn nào?", "Khi nào hoàn thành?"),
    ),
    Wording(
        "list_like",
        r"\bnhung\b|\bcac\b.*\bnao\b|\bgom\b|\bbao gom\b|\bliet ke\b",
        ("Những đơn vị nào tham gia?", "Kế hoạch gồm mấy phần?", "Liệt kê các nhiệm vụ"),
    ),
    Wording("counts", r"\bbao nhieu\b|\bso luong\b", ("Bao nhiêu doanh nghiệp?", "Số lượng hồ sơ?")),
    Wording(
        "asks_obligation",
        # What someone must do: the answer is the sentence that obliges ("thì phải lấy ý kiến …").
        r"\b(?:phai|can) (?:lam|thuc hien) (?:nhung )?(?:gi|viec gi)\b|\bbat buoc phai lam gi\b",
        ("Trường muốn cử viên chức đi học thì phải làm gì?", "Doanh nghiệp cần thực hiện những gì?"),
    ),
    Wording(
        "asks_basis",
        # "Kế hoạch … thực hiện quyết định số mấy của Thủ tướng?", "triển khai chỉ thị nào", "căn cứ
        # vào văn bản nào": the document a document implements or rests on, which its preamble names.
        r"\b(?:trien khai|thuc hien|can cu(?: vao)?|dua tren|dua vao|cu the hoa|theo)\s+(?:nhung\s+|cac\s+)?"
        r"(?:{DOC})\s+(?:so\s+)?(?:nao|gi|may|bao nhieu)\b|\bcan cu (?:phap ly|ban hanh|vao dau)\b",
        (
            "Kế hoạch 624/KH-UBND thực hiện quyết định số mấy của Thủ tướng?",
            "ke hoach 1026/KH-UBND trien khai chi thi nao cua Thu tuong?",
            "Quyết định này căn cứ vào văn bản nào?",
            "Căn cứ pháp lý của nghị định là gì?",
        ),
    ),
    Wording("counts_in_words", r"\b{NOT_AN_HOUR}may\s+{COUNT_UNIT}\b", ("Mấy năm?", "mấy ngày làm việc")),
    # A length of time is asked: "05 ngày làm việc", "6 tháng" answer it (rag.values.durations).
    Wording(
        "asks_duration",
        r"\b{LENGTH_ASKED}\b",
        ("Có bao nhiêu ngày để bổ sung hồ sơ?", "Thời hiệu là bao lâu?", "Được nghỉ mấy tháng?"),
    ),
    # Which one of several has the most or the least of something ("địa phương nào được bổ sung ít
    # nhất", "đơn vị nào có kinh phí cao nhất"): a row of a table picked by the value in the asked
    # column (rag/answer/extremes.py). "ít nhất 5 ngày", "tối đa là …" bound a quantity instead.
    # The other cases of a rule, after one was asked ("Còn các hành vi vi phạm khác thì …?",
    # "các trường hợp còn lại"): a law's residual item answers ("không thuộc trường hợp quy định
    # tại điểm a"). Not "khác nhau/khác biệt/khác với", nor "khắc phục" once folded.
    Wording(
        "asks_residual",
        r"\b(?<!khong )khac\b(?!\s+(?:nhau|biet|voi|phuc|thuong|hang))|\btruong hop con lai\b",
        (
            "Còn các hành vi vi phạm khác thì thời hiệu là bao lâu?",
            "Các trường hợp còn lại được xử lý thế nào?",
            "Những đối tượng khác thì mức hỗ trợ là bao nhiêu?",
        ),
    ),
    Wording(
        "asks_most",
        r"\b(?:nhieu|cao|lon) nhat\b(?!\s+(?:la\s+)?\d)",
        (
            "Tỉnh nào được phân bổ kinh phí nhiều nhất?",
            "Đơn vị nào có tỷ lệ hoàn thành cao nhất?",
            "Trong các xã, xã nào có diện tích lớn nhất và là bao nhiêu?",
        ),
        also=(r"\bnao\b",),
    ),
    Wording(
        "asks_least",
        r"\b(?:it|thap|nho) nhat\b(?!\s+(?:la\s+)?\d)",
        (
            "Địa phương nào được hỗ trợ ít nhất?",
            "Huyện nào có tỷ lệ thấp nhất?",
            "Trường nào có số học sinh nhỏ nhất?",
        ),
        also=(r"\bnao\b",),
    ),
    Wording(
        "asks_place",
        # Where something happens or is done: the answer names a place ("tại …", "ở …").
        r"\b(?:o|tai) dau\b|\bdia diem (?:nao|o dau|la gi)\b|\bnoi nao\b",
        ("Hội nghị được tổ chức ở đâu?", "Lễ ra quân diễn ra tại địa điểm nào?", "nop ho so tai dau"),
        # "quy định ở đâu" asks for an article; "gửi về đâu", "nơi nhận" for the recipients.
        unless=(r"\bquy dinh (?:o|tai) dau\b", r"\bgui\b", r"\bnoi nhan\b"),
    ),
    Wording(
        "asks_day",
        # A day is asked (not a month, a year or a period): the answer carries a day of a month.
        r"\bngay (?:nao|bao nhieu|may)\b",
        ("Báo cáo gửi trước ngày nào?", "Lịch thi bắt đầu từ ngày nào?", "Hạn chót là ngày mấy?"),
    ),
    Wording(
        "asks_hour",
        # A time of day is asked: the answer carries an hour ("18h00", "17 giờ"; rag.values.hours_in).
        r"\b(?:luc|tu|den|toi|truoc|sau|vao)\s+may\s+gio\b|\bkhung gio nao\b|\bgio nao\b",
        ("Tạm dừng từ mấy giờ?", "Nộp hồ sơ trước mấy giờ?", "Họp lúc mấy giờ?", "trong khung giờ nào"),
    ),
)

# The act asked of an unknown actor, after the words that ask for it: "cơ quan nào chỉ đạo <X>",
# "ai được giao <quản lý, sử dụng> …", "<X> do ai <chủ quản>". Group "act": its first words (folded).
ACTOR_ACT = (
    r"(?:\b(?:ai|(?:nhung\s+|cac\s+)?(?:don vi|co quan|bo|so|nganh|luc luong|to chuc|cap|phong|ban|ben"
    r"|bo phan|ca nhan|nguoi)\s+nao)\s+(?:(?:se|phai|can|co trach nhiem|chiu trach nhiem|duoc giao"
    r"|duoc yeu cau|duoc phan cong|duoc)\s+)?|\bdo\s+(?:ai|(?:don vi|co quan|phong|bo phan)\s+nao)\s+)"
    r"(?P<act>(?!(?:la|thi|va|co|nao)\b)\w+(?:,?\s+\w+){0,3})"
)

# Lineage: "<văn bản> nào triển khai X" asks who cites X ("in"); "X căn cứ (vào) văn bản nào" asks
# what X cites ("out"). Only "văn bản" is asked the second way for most relations: "X triển khai
# chỉ thị nào" is a fact of X's title, answered by the passage; what a document replaces or amends
# is always another document, so any type may be asked. Relation order is the priority.
RELATION_WORDS: tuple[tuple[str, str], ...] = (
    ("implements", r"trien khai|thuc hien|cu the hoa"),
    ("based_on", r"can cu|dua tren|dua vao"),
    ("replaces", r"thay the"),
    ("amends", r"sua doi"),
    ("attached_to", r"kem theo"),
)
_REPLACEABLE = "{ASKED_DOC}|thong tu|nghi dinh|luat"


LINEAGE_EXAMPLES: dict[str, tuple[str, ...]] = {
    "lineage:implements:in": (
        "Những văn bản nào triển khai Nghị quyết 57-NQ/TW?",
        "Kế hoạch nào đã thực hiện Chỉ thị 05?",
        "Quyết định 1169 được cụ thể hóa bằng văn bản nào?",
    ),
    "lineage:implements:out": (
        "Kế hoạch này triển khai văn bản nào?",
        "Công văn thực hiện những văn bản gì?",
    ),
    "lineage:based_on:in": (
        "Văn bản nào căn cứ Luật Đầu tư công?",
        "Những quyết định nào dựa trên Nghị định 13?",
    ),
    "lineage:based_on:out": (
        "Kế hoạch này căn cứ vào văn bản nào?",
        "Căn cứ pháp lý của quyết định là gì?",
        "Quyết định dựa vào những văn bản nào?",
    ),
    "lineage:replaces:in": (
        "Văn bản nào thay thế Quyết định 12/QĐ-UBND?",
        "Quyết định 5 được thay thế bởi quyết định nào?",
    ),
    "lineage:replaces:out": (
        "Quyết định này thay thế quyết định nào?",
        "Nghị định thay thế những nghị định nào?",
    ),
    "lineage:amends:in": (
        "Văn bản nào sửa đổi Thông tư 01?",
        "Quyết định 15 được sửa đổi bởi quyết định nào?",
        "Nghị định 15 được sửa đổi bởi nghị định nào?",
    ),
    "lineage:amends:out": ("Thông tư sửa đổi thông tư nào?", "Luật này sửa đổi những luật nào?"),
    "lineage:attached_to:in": (
        "Quy chế được kèm theo quyết định nào?",
        "Quyết định nào kèm theo quy chế này?",
    ),
    "lineage:attached_to:out": ("Quy chế này kèm theo văn bản nào?", "Phụ lục kèm theo văn bản gì?"),
}


def _lineage() -> tuple[Wording, ...]:
    out: list[Wording] = []
    for relation, words in RELATION_WORDS:
        incoming = f"lineage:{relation}:in"
        out.append(
            Wording(
                incoming,
                rf"\b(?:{{ASKED_DOC}})\s+nao\b(?:\s+\w+){{0,3}}?\s+(?:da\s+|de\s+)?(?:{words})\b"
                rf"|\bduoc\s+(?:{words})\b.*\b(?:{{ASKED_DOC}})\s+nao\b",
                LINEAGE_EXAMPLES[incoming],
            )
        )
        asked = _REPLACEABLE if relation in ("replaces", "amends") else "van ban"
        # Each run of spaces taken whole (possessive): linear on a long run.
        outgoing = (
            rf"\b(?:{words})\b(?:\s++(?:vao|theo|tu)\b)?\s++(?:(?:nhung|cac)\s*+)?(?:{asked})\s*+(?:nao|gi)\b"
        )
        if relation == "based_on":
            outgoing += r"|\bcan cu (?:phap ly|ban hanh)\b"
        out.append(Wording(f"lineage:{relation}:out", outgoing, LINEAGE_EXAMPLES[f"lineage:{relation}:out"]))
    return tuple(out)


LINEAGE: tuple[Wording, ...] = _lineage()
# "kế hoạch nào …": the type of the documents a lineage question asks for.
ASKED_DOC_TYPE = r"\b({ASKED_DOC})\s+nao\b"

# --- parts: what retrieval lifts next to the clause that matched -------------------------------
PARTS: tuple[Wording, ...] = (
    Wording(
        "signer",
        r"\b(?:ai ky|nguoi ky|ky boi|ky ten|who signed|signed by|signer)\b"
        r"|\b{SIGNER} nao\b(?:\s+[\w/&.-]+){0,10}?\s+ky\b",
        (
            "Ai ký kế hoạch?",
            "Who signed the plan?",
            "Phó Chủ tịch nào của UBND tỉnh ký quyết định về chữ ký số?",
            "Thứ trưởng nào ký công văn của Bộ Nội vụ?",
            "chi thi 09 ve nuoc duoi dat pho chu tich nao ky",
        ),
    ),
    Wording(
        "recipients",
        r"\b(?:kinh gui|noi nhan|gui (?:cho |den |toi )?(?:ai|nhung|cac co quan|co quan nao)|sent to"
        r"|addressed to)\b",
        ("Công văn gửi những cơ quan nào?", "Kính gửi ai?"),
    ),
    # "When does it take effect?": the sentence saying from when the document is in force.
    Wording(
        "effect",
        r"\b(?:co|bat dau co|phat sinh) hieu luc\b|\bhieu luc (?:thi hanh|tu|ke tu)\b|\bngay (?:co )?hieu luc\b"
        r"|\btakes? effect\b|\beffective (?:date|from)\b",
        (
            "Thông tư về giá dịch vụ đăng kiểm có hiệu lực khi nào?",
            "Luật bắt đầu có hiệu lực từ ngày nào?",
            "Ngày hiệu lực của nghị định?",
            "When does the decree take effect?",
        ),
        unless=(r"\b(?:het|con) hieu luc\b",),
    ),
    # "Which article says X?": the article's heading answers, whichever of its clauses says X.
    Wording(
        "article",
        r"\b(?:tai|o|thuoc|trong) dieu (?:nao|may|so may)\b|\bdieu (?:nao|may) (?:cua|trong)\b"
        r"|\b(?:which|what) article\b",
        (
            "Thẩm quyền xử lý kỷ luật được quy định tại điều nào của Thông tư?",
            "Chế độ báo cáo nằm ở điều nào?",
            "Điều nào của Luật quy định hành vi bị cấm?",
            "Which article covers disciplinary powers?",
        ),
    ),
    # "When was it issued/signed?" asks for a date, not a task's deadline.
    Wording(
        "deadline",
        r"\b(?:khi nao|bao gio|luc nao|thoi gian thuc hien|thoi han|han chot|deadline|when)\b",
        ("Thời hạn hoàn thành nhiệm vụ 2?", "Khi nào phải báo cáo?"),
        unless=(r"\b(?:ban hanh|issued|signed|duoc ky|ngay nao)\b",),
    ),
    Wording(
        "coordinating_units",
        r"\b(?:phoi hop|coordinat\w*)\b",
        ("Ai phối hợp thực hiện nhiệm vụ 3?", "Which agencies coordinate task 2?"),
    ),
    Wording(
        "lead_unit",
        r"\b(?:ai|don vi nao|co quan nao|so nao|phong nao|who|which (?:unit|agency|department))\b",
        ("Đơn vị nào thực hiện?", "Sở nào chủ trì?"),
    ),
)

# --- what the document reference says beside its number ----------------------------------------
# "kế hoạch (truyền thông) cấp tỉnh": a document of the provincial People's Committee.
PROVINCIAL = r"\b(?:ke hoach|bao cao|cong van|quyet dinh|chuong trinh|van ban)\b(?:\s+\w+){0,3}?\s+cap tinh\b"

# "Bộ Công an đề nghị …", "Sở Y tế yêu cầu các đơn vị …": a body that opens the question as the
# subject of a request or an instruction is the author of the document asked about (not a document
# that quotes its request); the group is the body's name, abbreviations expanded, folded. A body
# that "phải"/"cần"/"được" do so is told to by another's document: not its author.
SPEAKING_AUTHOR = (
    r"^((?:bo|so|uy ban nhan dan|hoi dong nhan dan|thu tuong|chinh phu|van phong|cuc|tong cuc)\b"
    r"(?:\s+(?!(?:phai|can|se|duoc|cung|chua|co trach nhiem)\b)[\w&-]+){0,8}?)"
    r"\s+(?:da\s+)?(?:de nghi|yeu cau|chi dao|giao(?!\s+(?:duc|thong|dich))|huong dan)\b"
)

# "kế hoạch (truyền thông) của tỉnh", "quyết định của UBND xã", "kế hoạch cấp huyện": the level of the
# body that issued the document; the group is the level word.
# ("cấp quản lý", "xã hội", "tinh thần" are no level).
DOCUMENT_LEVEL = (
    r"\b(?:{DOC})\b(?:\s+[\w/.&-]+){0,8}?\s+(?:cap|cua|do)\s+(?:ubnd\s+|uy ban nhan dan\s+|hdnd\s+"
    r"|hoi dong nhan dan\s+)?(tinh|thanh pho|xa|phuong|thi tran|huyen|quan)\b(?!\s+(?:ly|tri|hoi|than)\b)"
)

# Words that ask for a year's targets: they locate no target, so topic terms go without them.
TARGET_WORDS = r"\b(?:muc tieu|chi tieu)\b|\b(?:den )?nam \d{4}\b"
# Words that name a legal locator or ask what it says: without anything else, the article answers.
LOCATOR_WORDS = (
    r"\b(?:theo\s+)?(?:dieu|khoan|diem)\s+[0-9a-z]{1,3}\b|\b(?:quy dinh|noi dung|neu|ghi)(?: gi| nhung gi| ve gi)?\b"
    r"|\b(?:cua )?(?:luat|nghi dinh|thong tu|bo luat|van ban)(?: nay)?\b"
)

# --- aspects: what "Còn X thì sao?" asks of the last question's subject ----------------------
# The whole X names an aspect; its label is the slot whose answer it asks for.
ASPECTS: tuple[Wording, ...] = (
    Wording(
        "figure",
        r"^(?:tong )?(?:kinh phi|ngan sach|so tien|so luong|ty le|chi tieu|muc ho tro|dinh muc|du toan)"
        r"(?: thuc hien| du kien)?$",
        ("kinh phí", "Tổng kinh phí dự kiến", "số lượng"),
    ),
    Wording(
        "deadline",
        r"^(?:thoi han|thoi gian(?: thuc hien| hoan thanh)?|tien do(?: thuc hien)?|han chot)$",
        ("thời hạn", "Thời gian thực hiện", "tiến độ"),
    ),
    Wording(
        "lead_unit",
        r"^(?:(?:don vi|co quan)\s+)?(?:chu tri|thuc hien)(?: thuc hien)?$|^ai chu tri$",
        ("đơn vị chủ trì", "Cơ quan thực hiện", "ai chủ trì"),
    ),
    Wording(
        "coordinating_unit",
        r"^(?:(?:cac |nhung )?(?:don vi|co quan)\s+)?phoi hop(?: thuc hien)?$",
        ("đơn vị phối hợp", "các cơ quan phối hợp", "phối hợp"),
    ),
    Wording("signer", r"^(?:nguoi ky|ai ky|chu ky)$", ("người ký", "ai ký")),
    Wording("date", r"^(?:ngay ban hanh|ngay ky|ngay hieu luc)$", ("ngày ban hành", "ngày ký")),
    Wording(
        "content",
        r"^(?:muc tieu|muc dich|noi dung|ket qua|san pham|giai phap|yeu cau|nhiem vu)(?: chinh| cu the)?$",
        ("mục tiêu", "Nội dung chính", "sản phẩm"),
    ),
)

# --- asks: the words that ask, each labelled with the value type that answers it ---------------
# A question with two asks apart ("tối đa bao nhiêu ngày, và … kéo dài tới đâu") asks two things;
# each part is answered (rag.answer.passage). Tried in order; an ask overlapping an earlier one
# ("mấy giờ" read as a time, not as a count) is the earlier one.
ASKS: tuple[Wording, ...] = (
    Wording(
        "article",
        r"\b(?:dieu|khoan|diem|chuong|muc|phu luc)\s+(?:nao|may|bao nhieu)\b",
        ("nằm ở điều nào", "quy định tại khoản mấy", "điều mấy"),
        why="the article that states it: the cited clause's locator answers",
    ),
    Wording(
        "date",
        r"\b(?:khi nao|bao gio|(?:ngay|thang|nam|thoi diem|gio|khung gio) nao|may gio)\b"
        r"|{NOT_ANY_TIME}\bluc nao\b",
        (
            "Có hiệu lực khi nào?",
            "kéo dài đến bao giờ",
            "từ ngày nào",
            "mấy giờ",
            "trong khung giờ nào",
            "lúc nào",
        ),
    ),
    Wording(
        "duration",
        r"\b{LENGTH_ASKED}",
        ("trong bao lâu", "mấy ngày làm việc", "có bao nhiêu ngày để bổ sung", "được bao nhiêu thời gian"),
        why="a length of time: a count of days, months or years answers it (rag.values.durations)",
    ),
    Wording(
        "number",
        r"\b(?:bao nhieu|may\s+{COUNT_UNIT})\b",
        ("bao nhiêu nhiệm vụ", "mấy người", "cộng thêm bao nhiêu"),
    ),
    Wording(
        "text",
        r"\b(?:(?:la |lam )?gi|nao|ai|o dau|(?:toi|den) dau|the nao|ra sao)\b",
        ("làm gì", "đơn vị nào", "do ai làm", "kéo dài tới đâu", "như thế nào"),
    ),
    Wording(
        "yes_no",
        r"\b(?:(?:co\s+)?(?:dung|phai)\s+khong|dung hay sai|hay khong|khong)(?:\s+(?:a|vay|nhi))?"
        r"(?=\s*[?,;.]|\s*$)",
        ("…, đúng không ạ?", "có mất phí không,", "phải không?", "đúng hay sai?"),
        why="a verdict asked: the part is a yes/no question of its own (rag.reading.form)",
    ),
)
# What parts two asks: a comma or semicolon, a question mark, or "và"/"còn"/"đồng thời"/"nếu không
# (thì)" between them.
PART_BREAK = (
    r"(?:(?:[,;?]|\.(?=\s))\s*(?:va\s+|con\s+|dong thoi\s+|neu khong(?:\s+phai)?(?:\s+thi)?\s+)?"
    r"|\s(?:va|con|dong thoi)\s|\bneu khong(?:\s+phai)?(?:\s+thi)?\s)"
)
# What opens a part after a break and only joins it to the one before: not part of its own question.
PART_OPENING = r"^(?:va|con|dong thoi|neu khong(?:\s+phai)?(?:\s+thi)?)\s+"
# Polite words closing a part ("…, đúng không ạ?", "… là gì vậy?"): not part of what it asks.
PART_PARTICLE = r"\s+(?:a|vay|nhi|the)$"
# Words a subject carried over to a later part may not end on: they lead into the first part's
# ask ("bước 3 do [ai làm]", "hội nghị nhận được [bao nhiêu]", "thủ tục [là gì]").
PART_LEAD_TAIL = (  # "(?<!\s)": a search starts a run of spaces once, not at each space (linear time)
    r"(?<!\s)(?:\s+(?:do|la|thi|co|duoc|se|da|bi|phai|cho|de|giao|nhan|lay|o|tai|tu|trong|toi da|toi thieu"
    r"|khoang|tong cong|ca|bang|vao))+$"
)
