"""The `policyqa` command. Arguments live here; each command's work lives in its stage's module.

Handlers are imported lazily so `policyqa --help` and light commands stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from rag import config
from rag.errors import PolicyQAError

MODES = ("hybrid", "dense", "bm25")


def _index_arg(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--index",
        metavar="DIR",
        default=None,
        help="index directory (default: $POLICYQA_INDEX, else var/index under the project)",
    )
    where.add_argument(
        "--store",
        metavar="URI",
        default=None,
        help="store: a directory (the embedded index) or http(s)://host:port for a Milvus server "
        "(default: $POLICYQA_STORE, else the index directory; token: $POLICYQA_STORE_TOKEN)",
    )


def _llm_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--llm",
        default=os.environ.get("POLICYQA_LLM_MODEL"),
        help="chat model that writes the answer from the cited clauses (default: $POLICYQA_LLM_MODEL, else none)",
    )
    p.add_argument(
        "--llm-base-url",
        default=os.environ.get("POLICYQA_LLM_BASE_URL"),
        help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 (default: $POLICYQA_LLM_BASE_URL)",
    )


def _filter_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("filters")
    g.add_argument("--type", dest="doc_type", help='document type, e.g. "Kế hoạch"')
    g.add_argument("--source", action="append", help="only this source file (repeatable)")
    g.add_argument("--issuer", help="issuing body contains this text")
    g.add_argument("--date-from", help="issued on or after YYYY-MM-DD")
    g.add_argument("--date-to", help="issued on or before YYYY-MM-DD")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policyqa",
        description="Search and question answering over Vietnamese policy documents, with clause citations.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="parse and index files or folders (PDF, TXT, MD, DOCX)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    _index_arg(p)
    p.add_argument("--access", default="public", help="access level of these documents (default: public)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="also index files that symbolic links inside the folder point to outside it",
    )
    p.add_argument(
        "--ray",
        nargs="?",
        const="local",
        default=None,
        metavar="ADDRESS",
        help="parse and embed files as Ray tasks: a local Ray instance on all cores, or the cluster at "
        "ADDRESS (HOST:PORT, ray://HOST:PORT, or 'auto' for $RAY_ADDRESS); needs the ray extra",
    )
    p.add_argument(
        "--batch-size",
        type=int,
        default=None,
        metavar="N",
        help="with --ray: documents per committed index generation (default 50)",
    )
    p.set_defaults(handler="rag.ingest:run_ingest")

    p = sub.add_parser("remove", help="drop documents from the index by source name")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    _index_arg(p)
    p.set_defaults(handler="rag.ingest:run_remove")

    p = sub.add_parser(
        "show", help="print a document's metadata and clause tree (a file path or an indexed source)"
    )
    p.add_argument("target", metavar="SOURCE")
    _index_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler="rag.show:run_show")

    p = sub.add_parser("search", help="ranked clauses for a query")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--mode", choices=MODES, default="hybrid")
    p.add_argument("--json", action="store_true")
    _index_arg(p)
    _filter_args(p)
    p.set_defaults(handler="rag.pipeline:run_search")

    p = sub.add_parser("ask", help="answer a question with clause citations")
    p.add_argument("question")
    p.add_argument("--k", type=int, default=None, help="clauses to consider")
    p.add_argument("--mode", choices=MODES, default="hybrid")
    p.add_argument("--json", action="store_true")
    _llm_args(p)
    _index_arg(p)
    _filter_args(p)
    p.set_defaults(handler="rag.pipeline:run_ask")

    p = sub.add_parser(
        "chat", help="ask questions one after another; follow-ups keep the last document and task"
    )
    p.add_argument("--k", type=int, default=None, help="clauses to consider")
    p.add_argument("--mode", choices=MODES, default="hybrid")
    _index_arg(p)
    _filter_args(p)
    p.set_defaults(handler="rag.chat:run_chat")

    p = sub.add_parser("serve", help="run the HTTP API and chat widget")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("POLICYQA_WORKERS", "1")),
        help="server processes (default $POLICYQA_WORKERS, else 1); one per core answers more "
        "questions at once; each keeps its own answer cache and rate-limit counts",
    )
    _index_arg(p)
    p.set_defaults(handler="api.main:run_serve")

    p = sub.add_parser("eval", help="score answers on a gold question file")
    p.add_argument("--qa", required=True, metavar="FILE", help="gold questions (.jsonl)")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--mode", choices=MODES, default="hybrid")
    p.add_argument(
        "--compare", default=None, help="comma-separated modes to run side by side, e.g. hybrid,dense,bm25"
    )
    p.add_argument("--baseline", action="store_true", help="also score the LangChain-tutorial peer baseline")
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
        help="also score the same questions through another store (e.g. a Milvus copy of the index), "
        "side by side in one report; repeatable",
    )
    p.add_argument(
        "--corpus",
        metavar="DIR",
        default=None,
        help="folder the index was built from, read by --baseline (default: corpus/ under the project)",
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

    p = sub.add_parser("bench", help="throughput and latency benchmarks")
    p.add_argument("--out", default=None, metavar="DIR", help="write bench.json (scale_bench.json/.md) here")
    p.add_argument(
        "--pdf",
        action="store_true",
        help="PDF reading only: pages/s of digital PDFs and of scans (OCR serial, parallel)",
    )
    p.add_argument("--quick", action="store_true", help="smaller synthetic sizes")
    p.add_argument(
        "--corpus",
        metavar="DIR",
        default=None,
        help="folder the ingest and embedding rows use (default: corpus/)",
    )
    p.add_argument(
        "--embed-sample",
        type=int,
        default=None,
        metavar="N",
        help="passages of that corpus each embedding runtime embeds (default 200, --quick 50)",
    )
    p.add_argument(
        "--store",
        dest="stores",
        action="append",
        metavar="URI",
        help="scale bench: compare this Milvus store (http://host:port, repeatable) with the embedded "
        "index on synthetic clauses; it must be empty and is left empty",
    )
    p.add_argument(
        "--sizes",
        default=None,
        metavar="N,N",
        help="scale bench sizes in clauses (default 10000,100000); alone, runs it on the embedded index",
    )
    p.add_argument(
        "--max-seconds",
        type=float,
        default=None,
        metavar="S",
        help="scale bench: end each latency pass (search, ask, replica) after S seconds and at least "
        "3 questions of its 50 (default 120)",
    )
    # Not _index_arg: here --store names stores to compare (repeatable); both benches build their
    # own indexes in temporary folders, so --index is accepted and unused.
    p.add_argument("--index", metavar="DIR", default=None, help=argparse.SUPPRESS)
    p.set_defaults(handler="index.scale_bench:run_bench")

    return parser


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
        print("interrupted", file=sys.stderr)
        return 130
    except PolicyQAError as exc:  # expected, explained failures: no traceback
        print(f"policyqa: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
