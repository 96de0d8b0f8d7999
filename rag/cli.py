"""The `policyqa` command. Arguments live here; each command's work lives in its stage's module.

Handlers are imported lazily so `policyqa --help` and light commands stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from rag import config, messages
from rag.errors import PolicyQAError

MODES = ("hybrid", "dense", "bm25")


def _index_arg(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--index",
        metavar="DIR",
        default=None,
        help="thư mục chỉ mục (mặc định: $POLICYQA_INDEX, nếu không thì var/index trong dự án)",
    )
    where.add_argument(
        "--store",
        metavar="URI",
        default=None,
        help="kho dữ liệu: một thư mục (chỉ mục nhúng) hoặc http(s)://host:port của máy chủ Milvus "
        "(mặc định: $POLICYQA_STORE, nếu không thì thư mục chỉ mục; khoá: $POLICYQA_STORE_TOKEN)",
    )


def _llm_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--llm",
        default=os.environ.get("POLICYQA_LLM_MODEL"),
        help="mô hình hội thoại viết câu trả lời từ các điều khoản được trích (mặc định: $POLICYQA_LLM_MODEL)",
    )
    p.add_argument(
        "--llm-base-url",
        default=os.environ.get("POLICYQA_LLM_BASE_URL"),
        help="địa chỉ tương thích OpenAI, ví dụ http://127.0.0.1:11434/v1 (mặc định: $POLICYQA_LLM_BASE_URL)",
    )


def _filter_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("bộ lọc")
    g.add_argument("--type", dest="doc_type", help='loại văn bản, ví dụ "Kế hoạch"')
    g.add_argument("--source", action="append", help="chỉ tệp nguồn này (dùng nhiều lần được)")
    g.add_argument("--issuer", help="cơ quan ban hành có chứa chữ này")
    g.add_argument("--date-from", help="ban hành từ ngày YYYY-MM-DD")
    g.add_argument("--date-to", help="ban hành đến ngày YYYY-MM-DD")


class _VietnameseHelp(argparse.HelpFormatter):
    """argparse's own words in Vietnamese ("Cách dùng:"); the rest of the help is ours."""

    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001, ANN201 (argparse's signature)
        return super().add_usage(usage, actions, groups, prefix or "Cách dùng: ")


def _vietnamese(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Section titles and -h in Vietnamese, for the parser and its subparsers."""
    parser.formatter_class = _VietnameseHelp
    parser._positionals.title = "tham số"
    parser._optionals.title = "tùy chọn"
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = "hiện hướng dẫn này rồi thoát"
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _vietnamese(sub)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policyqa",
        description="Tìm kiếm và hỏi đáp trên văn bản chính sách, có trích dẫn đến từng điều khoản.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH", title="các lệnh")

    p = sub.add_parser("ingest", help="đọc và đưa tệp hoặc thư mục vào chỉ mục (PDF, TXT, MD, DOCX)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    _index_arg(p)
    p.add_argument("--access", default="public", help="mức truy cập của các văn bản này (mặc định: public)")
    p.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến độ")
    p.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="đưa cả các tệp mà liên kết tượng trưng trong thư mục trỏ ra ngoài vào chỉ mục",
    )
    p.add_argument(
        "--ray",
        nargs="?",
        const="local",
        default=None,
        metavar="ADDRESS",
        help="đọc và tính vector từng tệp bằng tác vụ Ray: Ray cục bộ trên mọi lõi, hoặc cụm tại "
        "ADDRESS (HOST:PORT, ray://HOST:PORT, hoặc 'auto' cho $RAY_ADDRESS); cần gói phụ ray",
    )
    p.add_argument(
        "--batch-size",
        type=int,
        default=None,
        metavar="N",
        help="với --ray: số văn bản mỗi lần ghi chỉ mục (mặc định 50)",
    )
    p.set_defaults(handler="rag.ingest:run_ingest")

    p = sub.add_parser("remove", help="xoá văn bản khỏi chỉ mục theo tên tệp nguồn")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    _index_arg(p)
    p.set_defaults(handler="rag.ingest:run_remove")

    p = sub.add_parser(
        "show", help="in thông tin và cây điều khoản của một văn bản (đường dẫn tệp hoặc tên tệp đã nạp)"
    )
    p.add_argument("target", metavar="SOURCE")
    _index_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler="rag.show:run_show")

    p = sub.add_parser("search", help="các điều khoản khớp nhất với từ khoá")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--mode", choices=MODES, default="hybrid")
    p.add_argument("--json", action="store_true")
    _index_arg(p)
    _filter_args(p)
    p.set_defaults(handler="rag.pipeline:run_search")

    p = sub.add_parser("ask", help="trả lời một câu hỏi, có trích dẫn điều khoản")
    p.add_argument("question")
    p.add_argument("--k", type=int, default=None, help="số điều khoản xem xét")
    p.add_argument("--mode", choices=MODES, default="hybrid")
    p.add_argument("--json", action="store_true")
    _llm_args(p)
    _index_arg(p)
    _filter_args(p)
    p.set_defaults(handler="rag.pipeline:run_ask")

    p = sub.add_parser("chat", help="hỏi liên tiếp; câu hỏi tiếp theo giữ văn bản và nhiệm vụ của câu trước")
    p.add_argument("--k", type=int, default=None, help="số điều khoản xem xét")
    p.add_argument("--mode", choices=MODES, default="hybrid")
    _index_arg(p)
    _filter_args(p)
    p.set_defaults(handler="rag.chat:run_chat")

    p = sub.add_parser("serve", help="chạy API HTTP, trang hỏi đáp và trang tra cứu")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("POLICYQA_WORKERS", "1")),
        help="số tiến trình máy chủ (mặc định $POLICYQA_WORKERS, nếu không thì 1); mỗi lõi một tiến trình "
        "trả lời được nhiều câu hỏi cùng lúc hơn; mỗi tiến trình có bộ nhớ đệm và giới hạn tần suất riêng",
    )
    _index_arg(p)
    p.set_defaults(handler="api.main:run_serve")

    p = sub.add_parser("eval", help="chấm câu trả lời trên một tệp câu hỏi mẫu")
    p.add_argument("--qa", metavar="FILE", help="câu hỏi mẫu (.jsonl)")
    p.add_argument(
        "--structured",
        metavar="FILE",
        default=None,
        help="các phép kiểm tra có cấu trúc (kinds/structured.jsonl) hỏi qua API HTTP, mỗi phép đạt hay "
        "không kèm lý do; mã thoát 1 khi có phép không đạt (cùng --qa: chạy sau các câu hỏi mẫu)",
    )
    p.add_argument(
        "--server",
        metavar="URL",
        default=None,
        help="--structured: hỏi một máy chủ đang chạy (http://host:port) thay vì ứng dụng trong tiến trình",
    )
    p.add_argument("--out", metavar="DIR", help="thư mục báo cáo (bắt buộc khi có --qa)")
    p.add_argument("--mode", choices=MODES, default="hybrid")
    p.add_argument(
        "--compare",
        default=None,
        help="các chế độ chạy song song, cách nhau bằng dấu phẩy, ví dụ hybrid,dense,bm25",
    )
    p.add_argument(
        "--baseline", action="store_true", help="chấm thêm hai hệ thống đối chứng (LangChain, BM25)"
    )
    p.add_argument(
        "--peers",
        choices=("all", "bm25"),
        default="all",
        help="with --baseline: every peer, or only BM25 over 1000-character chunks (no re-embedding)",
    )
    p.add_argument(
        "--also-store",
        action="append",
        default=[],
        metavar="URI",
        help="chấm thêm cùng các câu hỏi qua một kho khác (ví dụ bản Milvus của chỉ mục), "
        "cạnh nhau trong một báo cáo; dùng nhiều lần được",
    )
    p.add_argument(
        "--corpus",
        metavar="DIR",
        default=None,
        help="thư mục đã dựng chỉ mục, để --baseline đọc (mặc định: corpus/ trong dự án)",
    )
    p.add_argument(
        "--golden",
        metavar="FILE",
        default=None,
        help="pinned answers (python -m eval.golden): list every answer that differs from them in report.md",
    )
    _llm_args(p)
    _index_arg(p)
    p.set_defaults(handler="eval.runner:run_eval")

    p = sub.add_parser("bench", help="đo thông lượng và độ trễ")
    p.add_argument("--out", default=None, metavar="DIR", help="ghi bench.json (scale_bench.json/.md) vào đây")
    p.add_argument(
        "--pdf",
        action="store_true",
        help="chỉ đo việc đọc PDF: số trang/giây của PDF số và của bản quét (OCR tuần tự, song song)",
    )
    p.add_argument("--quick", action="store_true", help="kích thước dữ liệu tổng hợp nhỏ hơn")
    p.add_argument(
        "--corpus",
        metavar="DIR",
        default=None,
        help="thư mục mà các dòng đo nạp và tính vector dùng (mặc định: corpus/)",
    )
    p.add_argument(
        "--embed-sample",
        type=int,
        default=None,
        metavar="N",
        help="số đoạn của thư mục đó mà mỗi bộ tính vector xử lý (mặc định 200, --quick 50)",
    )
    p.add_argument(
        "--store",
        dest="stores",
        action="append",
        metavar="URI",
        help="đo ở quy mô lớn: so sánh kho Milvus này (http://host:port, dùng nhiều lần được) với chỉ mục "
        "nhúng trên điều khoản tổng hợp; kho phải trống và được để trống",
    )
    p.add_argument(
        "--sizes",
        default=None,
        metavar="N,N",
        help="các kích thước đo, tính bằng điều khoản (mặc định 10000,100000); dùng riêng thì đo trên chỉ mục nhúng",
    )
    p.add_argument(
        "--max-seconds",
        type=float,
        default=None,
        metavar="S",
        help="đo ở quy mô lớn: dừng mỗi lượt đo độ trễ (search, ask, replica) sau S giây và ít nhất "
        "3 trong 50 câu hỏi (mặc định 120)",
    )
    # Not _index_arg: here --store names stores to compare (repeatable); both benches build their
    # own indexes in temporary folders, so --index is accepted and unused.
    p.add_argument("--index", metavar="DIR", default=None, help=argparse.SUPPRESS)
    p.set_defaults(handler="tools.scale_bench:run_bench")

    return _vietnamese(parser)


def _resolve(spec: str) -> Callable[[argparse.Namespace], int]:
    module_name, func_name = spec.split(":")
    return getattr(importlib.import_module(module_name), func_name)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.index_dir = config.store_location(getattr(args, "store", None), getattr(args, "index", None))
    handler = _resolve(args.handler)
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        print(messages.text("cli.interrupted"), file=sys.stderr)
        return 130
    except PolicyQAError as exc:  # expected, explained failures: no traceback
        print(f"policyqa: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
