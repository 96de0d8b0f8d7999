"""Plans written the way other provinces write them, for the unit, deadline and lineage tests."""

from __future__ import annotations

from rag.parser import parse_document
from rag.records import Document, LoadedFile, Page

# A plan with a task table ("Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành"),
# unit-headed duties ("2. Sở Tài chính: …") and a preamble of bases.
TABLE_PLAN = """ỦY BAN NHÂN DÂN
TỈNH BẮC SƠN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 245/KH-UBND
Bắc Sơn, ngày 05 tháng 9 năm 2025

KẾ HOẠCH
Triển khai thực hiện Quyết định số 812/QĐ-TTg ngày 12/6/2025 của Thủ tướng Chính phủ về phát triển chợ đầu mối nông sản

Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025;
Thực hiện Quyết định số 812/QĐ-TTg ngày 12/6/2025 của Thủ tướng Chính phủ và Kế hoạch số 33/KH-BCT ngày 20/7/2025 của Bộ Công Thương, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU
1. Phát triển mạng lưới chợ đầu mối nông sản trên địa bàn tỉnh.

II. NHIỆM VỤ CỤ THỂ
STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành
1 | Rà soát quy hoạch mạng lưới chợ đầu mối | Sở Công Thương | Sở Xây dựng; UBND các xã, phường | Quý IV/2025
2 | Xây dựng cơ chế hỗ trợ thương nhân | Sở Tài chính | Sở Công Thương, Sở NN&MT | Quí IV-2025
3 | Đào tạo kỹ năng số cho tiểu thương | Sở KH&CN | Sở Công Thương | tháng 3/2026
4 | Kiểm tra an toàn thực phẩm tại chợ | Sở Y tế | Công an tỉnh | Thường xuyên

III. TỔ CHỨC THỰC HIỆN
1. Sở Công Thương: Chủ trì theo dõi, đôn đốc; tổng hợp báo cáo UBND tỉnh trước ngày 15/12/2025.
2. Sở Tài chính: Phối hợp Sở Công Thương bố trí kinh phí thực hiện Kế hoạch.
"""

# A plan of a department that implements the plan above and names its bases.
FOLLOW_UP = """SỞ CÔNG THƯƠNG TỈNH BẮC SƠN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 19/KH-SCT
Bắc Sơn, ngày 01 tháng 10 năm 2025

KẾ HOẠCH
Thực hiện Kế hoạch số 245/KH-UBND ngày 05/9/2025 của UBND tỉnh

Căn cứ Quyết định số 14/2025/QĐ-UBND ngày 02/3/2025 của UBND tỉnh quy định chức năng, nhiệm vụ của Sở Công Thương;
Thực hiện Kế hoạch số 245/KH-UBND ngày 05/9/2025 của Ủy ban nhân dân tỉnh, Sở Công Thương xây dựng Kế hoạch như sau:

I. NHIỆM VỤ
1. Phòng Quản lý thương mại
- Chủ trì rà soát danh mục chợ đầu mối, hoàn thành trong quý IV/2025.
- Phối hợp Văn phòng Sở tổng hợp báo cáo.
"""


def parse_text(text: str, source: str, access: str = "public") -> Document:
    return parse_document(
        LoadedFile(source=source, content_hash=source, pages=[Page(number=0, text=text)]), access=access
    )
