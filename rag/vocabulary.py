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
