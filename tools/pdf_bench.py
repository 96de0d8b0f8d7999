"""PDF reading throughput for `policyqa bench`: pages/s of digital PDFs and of scans (OCR).

Scans are OCR'd with the cache off, first one page at a time (one worker), then with the pages
in parallel (one worker per core), so the two rates compare the same work. The machine's load
average is reported with them: on a shared machine a rate means little without it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from rag import config

REAL_FILES = config.PROJECT_ROOT.parent / "shared" / "eval" / "files" / "corpus"
MAX_SCAN_PAGES = 8  # enough pages to keep two workers busy, few enough for a loaded machine


def _load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def sample_files(folder: Path = REAL_FILES) -> tuple[list[Path], list[Path]]:
    """(digital PDFs, scanned PDFs) of the real-files set, told apart by their text layers."""
    from pypdf import PdfReader

    digital, scanned = [], []
    for path in sorted(folder.glob("*.pdf")) if folder.is_dir() else []:
        reader = PdfReader(str(path))
        text = "".join((p.extract_text() or "") for p in reader.pages[:2])
        (digital if len(text.split()) > 50 else scanned).append(path)
    return digital, scanned


def bench_digital(files: list[Path]) -> dict[str, Any]:
    from rag.loaders import load_file

    started = time.perf_counter()
    cpu = time.process_time()
    pages = sum(len(load_file(f, ocr=False).pages) for f in files)
    seconds = time.perf_counter() - started
    return {
        "files": len(files),
        "pages": pages,
        "seconds": round(seconds, 2),
        "pages_per_s": round(pages / seconds, 2) if seconds else None,
        "cpu_s": round(time.process_time() - cpu, 2),
    }


def _scan_jobs(files: list[Path]) -> list[tuple[Path, Any]]:
    from pypdf import PdfReader

    from rag.ocr import PageJob
    from rag.pdf_loader import page_content, page_native_dpi

    jobs = []
    for path in files:
        reader = PdfReader(str(path))
        for n in range(1, len(reader.pages) + 1):
            jobs.append((path, PageJob(n, page_content(reader, n, path), page_native_dpi(reader, n))))
            if len(jobs) >= MAX_SCAN_PAGES:
                return jobs
    return jobs


def _ocr_rate(jobs: list[tuple[Path, Any]], workers: int) -> dict[str, Any]:
    """OCR ``jobs`` with ``workers`` pages at a time: wall, CPU (this process and its Tesseract
    and pdftoppm children) and the load average before and after."""
    from concurrent.futures import ThreadPoolExecutor

    from rag.ocr import ocr_pages

    load_before = _load_average()
    started = time.perf_counter()
    before = os.times()
    with ThreadPoolExecutor(max_workers=workers) as pool:  # pages of several files share the pool
        list(pool.map(lambda job: ocr_pages(job[0], [job[1]], workers=1), jobs))
    seconds = time.perf_counter() - started
    after = os.times()
    children = (after.children_user + after.children_system) - (before.children_user + before.children_system)
    own = (after.user + after.system) - (before.user + before.system)
    return {
        "workers": workers,
        "pages": len(jobs),
        "seconds": round(seconds, 2),
        "pages_per_s": round(len(jobs) / seconds, 3),
        "ocr_cpu_s": round(children, 1),
        "cpu_s": round(children + own, 1),
        "cpu_per_page_s": round((children + own) / max(1, len(jobs)), 2),
        # Cores the run got: near the workers on an idle machine. Linux groups a session's
        # processes (autogroup) and shares the CPU between groups, so on a machine other
        # sessions keep busy, more workers get no more CPU and the wall time does not fall.
        "cores_used": round((children + own) / seconds, 2) if seconds else None,
        "load_average": load_before,
        "load_average_after": _load_average(),
    }


def bench_scans(files: list[Path], workers: int) -> dict[str, Any]:
    """OCR pages/s one page at a time and with ``workers`` pages at a time (the cache off)."""
    from rag import ocr

    jobs = _scan_jobs(files)
    if not jobs or not ocr.ocr_available():
        return {"skipped": "no scans or no Tesseract"}
    saved = os.environ.get(ocr.ENV_CACHE)
    os.environ[ocr.ENV_CACHE] = "off"
    try:
        serial = _ocr_rate(jobs, 1)
        parallel = _ocr_rate(jobs, workers)
    finally:
        if saved is None:
            os.environ.pop(ocr.ENV_CACHE, None)
        else:
            os.environ[ocr.ENV_CACHE] = saved
    return {
        "serial": serial,
        "parallel": parallel,
        "speedup": round(parallel["pages_per_s"] / serial["pages_per_s"], 2),
    }


def run_pdf_bench(workers: int | None = None) -> dict[str, Any]:
    from rag.ocr import default_workers

    digital, scanned = sample_files()
    if not digital and not scanned:
        return {"skipped": f"no PDFs in {REAL_FILES}"}
    return {
        "load_average_before": _load_average(),
        "digital": bench_digital(digital),
        "scanned": bench_scans(scanned, workers or default_workers()),
    }


def print_pdf_bench(result: dict[str, Any]) -> None:
    if "skipped" in result:
        print(f"  PDF reading: skipped ({result['skipped']})")
        return
    d = result["digital"]
    print(f"  digital PDFs: {d['pages']} pages in {d['seconds']} s = {d['pages_per_s']} pages/s")
    s = result["scanned"]
    if "skipped" in s:
        print(f"  scans: skipped ({s['skipped']})")
        return
    for key in ("serial", "parallel"):
        r = s[key]
        print(
            f"  scans, {r['workers']} worker(s): {r['pages']} pages in {r['seconds']} s = {r['pages_per_s']} pages/s "
            f"(CPU {r['cpu_s']} s, of which Tesseract and pdftoppm {r['ocr_cpu_s']} s; "
            f"cores used {r['cores_used']}; "
            f"load {r['load_average']} -> {r['load_average_after']})"
        )
    print(f"  parallel / serial: {s['speedup']}x ({_autogroup_note()})")


def _autogroup_note() -> str:
    """Whether the kernel shares the CPU between sessions (autogroup): it caps a busy machine's
    speed-up whatever the workers."""
    try:
        on = Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return "scheduler grouping unknown"
    return "CPU shared between sessions (autogroup)" if on else "no session grouping"
