"""Bounded loopback soak: concurrent askers while documents are uploaded and deleted.

    python -m api.soak --minutes 5 --clients 20 [--documents 40] [--index DIR] [--out soak.json]

Starts the API in a child process on 127.0.0.1 over a temporary copy of an index of corpus/
(``--index``, else POLICYQA_INDEX / var/index, else one is built from corpus/), with a random
admin key and the rate limiter off. Every client has its own loopback address (127.0.2.N, …: Linux
routes all of 127/8 to lo), as distinct users would, so the per-client share of the pipeline
applies as in production. For ``--minutes`` it runs ``--clients`` askers that carry their
conversation (each question sends the turns before it as ``history``) and read every other answer
as a stream (``/api/ask/stream``: deltas, citations, done, no error event), and at the same time
two writers that upload small generated documents one after another through
``POST /api/documents`` and delete every third one. A third writer keeps uploading names that
collide with its own first upload once canonical (case of the extension, zero-width and control
characters, NFD, look-alike letters): each must get 409, and every fourth one replaces it
explicitly (``replace=true``); two flooders ask 2,000-character random questions without pause
(200, or 429/503 when their share of the pipeline or the queue is full: the only refusals allowed).
At the end every uploaded and not deleted document must be listed, found by search and have its
file in the uploads folder (zero lost), every deleted one gone from both (zero resurrected); the
server's resident memory is sampled throughout and must be flat after the warm-up (the first
third). Prints a JSON report (requests, errors, latency percentiles, memory); exit code 1 on any
error, lost document or growth. Each role finishes its minimal script (a few asks, an upload, a
collision) even past the deadline: the duration bounds the load, not what is checked. Nothing
leaves the loopback interface, and the run stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from api.loadtest import _free_port, percentile, questions_from_index, wait_ready
from rag import config

WRITERS = 2
FLOODERS = 2
MAX_MINUTES = 60.0
COLLIDE_NAME = "va-cham-soak.txt"
COLLIDE_VARIANTS = [
    "va-cham-soak.TXT",
    "va-cham-soak\u200b.txt",
    "va-cham-soak.txt ",
    "va-cham-\x00soak.txt",
    "vа-cham-soak.txt",  # Cyrillic а
]
MIN_ASKS = 3  # per asker, whatever the timing: one plain, one streamed, one with history
GRACE_S = 600.0  # how long past the deadline a role may take to finish its minimal script
RSS_GROWTH_LIMIT = 0.20  # after the warm-up, resident memory may move this much (noise), no more
# Each generated document holds a token no other text contains, so search can prove it is there.
DOC_TEMPLATE = """ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI
SỞ THÔNG TIN VÀ TRUYỀN THÔNG
Số: {n}/KH-STTTT
KẾ HOẠCH
Kiểm thử hệ thống hỏi đáp đợt {n}
I. NHIỆM VỤ
1. Trung tâm Dữ liệu kiểm tra mã {token} trước ngày 31/12/2026.
Đơn vị thực hiện: Trung tâm Dữ liệu tỉnh.
2. Phòng Hạ tầng báo cáo kết quả kiểm thử mã {token} về Sở.
"""


@dataclass
class Latency:
    count: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0

    @classmethod
    def of(cls, values: list[float]) -> Latency:
        if not values:
            return cls()
        return cls(
            count=len(values),
            p50_ms=round(percentile(values, 50), 1),
            p95_ms=round(percentile(values, 95), 1),
            p99_ms=round(percentile(values, 99), 1),
            max_ms=round(max(values), 1),
        )


@dataclass
class SoakResult:
    seconds: float
    clients: int
    asks: int
    ask_errors: int
    ask_latency: Latency
    uploads: int  # accepted (201)
    upload_conflicts: int  # 409: the other writer held the index (retried)
    upload_errors: int
    upload_latency: Latency
    deletes: int
    delete_errors: int
    documents_expected: int  # uploaded and not deleted
    kept: list[str] = field(default_factory=list)  # their sources
    lost: list[str] = field(default_factory=list)  # expected but not listed or not found by search
    resurrected: list[str] = field(default_factory=list)  # deleted but still listed
    collisions_refused: int = 0  # colliding names answered 409
    collisions_replaced: int = 0  # colliding names with replace=true
    collision_errors: int = 0  # a colliding name accepted without replace=true, or any other failure
    flood_asks: int = 0
    flood_busy: int = 0  # 429/503: the flooder's share or the queue is full (expected under a flood)
    flood_errors: int = 0
    streams: int = 0  # asks read as server-sent events
    with_history: int = 0  # asks that carried earlier turns
    files_lost: list[str] = field(default_factory=list)  # kept documents whose file is missing
    files_resurrected: list[str] = field(default_factory=list)  # deleted documents whose file is there
    server_threads_max: int = 0
    rss_mb: list[float] = field(default_factory=list)  # the server's resident memory, sampled evenly
    rss_growth: float = 0.0  # last third's median over the middle third's (1.0: flat)
    error_samples: list[str] = field(default_factory=list)
    status_codes: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (
            self.ask_errors
            or self.upload_errors
            or self.delete_errors
            or self.collision_errors
            or self.flood_errors
            or self.lost
            or self.resurrected
            or self.files_lost
            or self.files_resurrected
            or self.rss_growth > 1 + RSS_GROWTH_LIMIT
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


class _Tally:
    """Thread-safe counters shared by the askers and writers."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ask_ms: list[float] = []
        self.upload_ms: list[float] = []
        self.codes: Counter[str] = Counter()
        self.ask_errors = 0
        self.upload_errors = 0
        self.conflicts = 0
        self.deletes = 0
        self.delete_errors = 0
        self.samples: list[str] = []
        self.kept: dict[str, str] = {}  # source -> token, uploaded and not deleted
        self.deleted: dict[str, str] = {}
        self.collisions = Counter[str]()  # refused, replaced, errors
        self.flood = Counter[str]()  # asks, busy, errors
        self.streams = 0
        self.with_history = 0

    def error(self, what: str) -> None:
        if len(self.samples) < 20:
            self.samples.append(what[:300])


def _client(base_url: str, address: str | None, **kwargs: Any) -> httpx.Client:
    """A client speaking from its own loopback address (a distinct user to the server)."""
    transport = httpx.HTTPTransport(local_address=address) if address else None
    return httpx.Client(base_url=base_url, transport=transport, **kwargs)


def _streamed(client: httpx.Client, body: dict[str, Any]) -> tuple[str, str]:
    """(status, answer) of one streamed ask: its events must end with citations then done."""
    with client.stream("POST", "/api/ask/stream", json=body) as response:
        if response.status_code != 200:
            response.read()
            return str(response.status_code), ""
        events, answer = [], ""
        event = ""
        for line in response.iter_lines():
            if line.startswith("event:"):
                event = line.partition(":")[2].strip()
                events.append(event)
            elif line.startswith("data:") and event == "delta":
                answer += json.loads(line.partition(":")[2].strip() or '""')
    ok = events[-2:] == ["citations", "done"] and "error" not in events
    return ("200" if ok else f"stream {'/'.join(events[-3:])}"), answer


def _asker(
    base_url: str,
    questions: list[str],
    offset: int,
    stop: threading.Event,
    tally: _Tally,
    address: str | None,
) -> None:
    i = offset
    history: list[dict[str, str]] = []
    with _client(base_url, address, timeout=120.0) as client:
        while not stop.is_set() or i - offset < MIN_ASKS:
            question = questions[i % len(questions)]
            streamed = (i - offset) % 2 == 1
            body: dict[str, Any] = {"question": question, "history": history[-4:]}
            i += 1
            started = time.perf_counter()
            try:
                if streamed:
                    code, answer = _streamed(client, body)
                else:
                    response = client.post("/api/ask", json=body)
                    code = str(response.status_code)
                    answer = response.json().get("answer", "") if response.status_code == 200 else ""
                    if response.status_code == 200 and "answer" not in response.json():
                        code = "no answer"
                ok = code == "200"
            except (httpx.HTTPError, ValueError) as exc:
                code, ok, answer = type(exc).__name__, False, ""
            elapsed = (time.perf_counter() - started) * 1000
            with tally.lock:
                tally.ask_ms.append(elapsed)
                tally.codes[f"{'stream' if streamed else 'ask'} {code}"] += 1
                tally.streams += streamed
                tally.with_history += bool(body["history"])
                if not ok:
                    tally.ask_errors += 1
                    tally.error(f"ask {code}: {question}")
            if ok:  # the conversation goes on: the next question follows this answer
                history.append({"question": question, "answer": answer[:2000]})


def _writer(
    base_url: str,
    key: str,
    ids: range,
    stop: threading.Event,
    deadline: float,
    tally: _Tally,
    address: str | None = None,
) -> None:
    headers = {"X-API-Key": key}
    mine: list[tuple[str, str]] = []  # (doc id, source) this writer uploaded and kept
    with _client(base_url, address, timeout=300.0, headers=headers) as client:
        for n in ids:
            token = f"SOAK{n:04d}{secrets.token_hex(3).upper()}"
            data = DOC_TEMPLATE.format(n=n, token=token).encode("utf-8")
            must = n == ids.start  # every writer lands one upload, however long it has to wait
            while (must and time.monotonic() < deadline + GRACE_S) or (
                not stop.is_set() and time.monotonic() < deadline
            ):
                started = time.perf_counter()
                try:
                    response = client.post(
                        "/api/documents",
                        files={"file": (f"soak-{n:04d}.txt", data, "text/plain")},
                        data={"access": "public"},
                    )
                    code = response.status_code
                except httpx.HTTPError as exc:
                    with tally.lock:
                        tally.upload_errors += 1
                        tally.error(f"upload soak-{n:04d}: {type(exc).__name__}")
                    break
                with tally.lock:
                    tally.codes[f"upload {code}"] += 1
                    if code in (409, 503):
                        tally.conflicts += 1
                    elif code == 201:
                        tally.upload_ms.append((time.perf_counter() - started) * 1000)
                        body = response.json()
                        tally.kept[body["source"]] = token  # checked at the end, listed or not
                        if body["documents"]:
                            mine.append((body["documents"][0]["id"], body["source"]))
                    else:
                        tally.upload_errors += 1
                        tally.error(f"upload soak-{n:04d} {code}: {response.text}")
                if code not in (409, 503):
                    break
                time.sleep(
                    _retry_after(response)
                )  # the other writer holds the index, or the workers are busy
            else:
                return
            if len(mine) >= 3 and n % 3 == 0:
                _delete(client, mine.pop(0), deadline, stop, tally)


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(max(float(response.headers.get("Retry-After", "0.2")), 0.2), 5.0)
    except ValueError:
        return 0.2


def _delete(
    client: httpx.Client, doc: tuple[str, str], deadline: float, stop: threading.Event, tally: _Tally
) -> None:
    doc_id, source = doc
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            response = client.delete(f"/api/documents/{doc_id}")
        except httpx.HTTPError as exc:
            with tally.lock:
                tally.delete_errors += 1
                tally.error(f"delete {source}: {type(exc).__name__}")
            return
        with tally.lock:
            tally.codes[f"delete {response.status_code}"] += 1
            if response.status_code == 409:
                tally.conflicts += 1
            elif response.status_code == 200:
                tally.deletes += 1
                tally.deleted[source] = tally.kept.pop(source)
                return
            else:
                tally.delete_errors += 1
                tally.error(f"delete {source} {response.status_code}: {response.text}")
                return
        time.sleep(0.2)


def _colliding_writer(
    base_url: str, key: str, stop: threading.Event, tally: _Tally, until: float, address: str | None = None
) -> None:
    """Uploads one document, then names that collide with it: 409 each time unless replace=true.
    The first five steps (the upload, three refusals, one replacement) run whatever the timing."""
    with _client(base_url, address, timeout=300.0, headers={"X-API-Key": key}) as client:
        i = 0
        while (not stop.is_set() or i <= 4) and time.monotonic() < until:
            first = i == 0
            name = COLLIDE_NAME if first else COLLIDE_VARIANTS[i % len(COLLIDE_VARIANTS)]
            replace = not first and i % 4 == 0
            token = f"VACHAM{i:04d}{secrets.token_hex(3).upper()}"
            data = DOC_TEMPLATE.format(n=9000 + i, token=token).encode("utf-8")
            # The first upload names its level; a replacement keeps it; collisions are refused first.
            form = {"access": "public"} if first else {"replace": "true"} if replace else {}
            try:
                response = client.post(
                    "/api/documents", files={"file": (name, data, "text/plain")}, data=form
                )
            except httpx.HTTPError as exc:
                with tally.lock:
                    tally.collisions["errors"] += 1
                    tally.error(f"colliding upload {name!r}: {type(exc).__name__}")
                return
            code = response.status_code
            busy = False
            with tally.lock:
                tally.codes[f"collide {code}"] += 1
                if code == 201 and (first or replace):
                    tally.kept[f"uploads/{COLLIDE_NAME}"] = token
                    tally.collisions["replaced" if replace else "created"] += 1
                elif code == 409 and not first and not replace and COLLIDE_NAME in response.text:
                    tally.collisions["refused"] += 1
                elif code in (409, 503):  # the lock or the upload workers were busy: retry the step
                    tally.conflicts += 1
                    busy = True
                else:
                    tally.collisions["errors"] += 1
                    tally.error(f"colliding upload {name!r} {code}: {response.text}")
            if busy:
                time.sleep(_retry_after(response))
                continue
            i += 1
            time.sleep(0.2)


def _flooder(
    base_url: str, seed: int, stop: threading.Event, tally: _Tally, address: str | None = None
) -> None:
    """Long random questions without pause: only 200, or 429/503 (its share or the queue full), are fine."""
    import random

    rng = random.Random(seed)
    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạềếểễệốồổỗộờớởỡợ "
    with _client(base_url, address, timeout=120.0) as client:
        first = True
        while first or not stop.is_set():
            first = False
            question = "".join(rng.choice(letters) for _ in range(2000))
            try:
                code = client.post("/api/ask", json={"question": question}).status_code
            except httpx.HTTPError as exc:
                code = 0
                tally.error(f"flood: {type(exc).__name__}")
            with tally.lock:
                tally.flood["asks"] += 1
                tally.codes[f"flood {code}"] += 1
                if code in (429, 503):
                    tally.flood["busy"] += 1
                elif code != 200:
                    tally.flood["errors"] += 1


def _rss_mb(pid: int | None) -> float:
    if pid is None:
        return 0.0
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return round(kb / 1024, 1)


def rss_growth(samples: list[float]) -> float:
    """The last third's median over the middle third's: 1.0 when memory is flat after the warm-up
    (the first third: models loaded, caches filled)."""
    import statistics

    third = len(samples) // 3
    if third < 2:
        return 1.0
    middle, last = samples[third : 2 * third], samples[2 * third :]
    return round(statistics.median(last) / max(statistics.median(middle), 1e-9), 3)


def _threads(pid: int | None) -> int:
    if pid is None:
        return 0
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("Threads:")), 0)


def _check_files(files: Path | None, tally: _Tally) -> tuple[list[str], list[str]]:
    """(lost, resurrected) on disk: kept documents without their file, deleted ones with it."""
    if files is None:
        return [], []
    lost = sorted(s for s in tally.kept if not (files / s).is_file())
    return lost, sorted(s for s in tally.deleted if (files / s).exists())


def _check(base_url: str, key: str, tally: _Tally) -> tuple[list[str], list[str]]:
    """(lost, resurrected): kept documents missing from the list or from search; deleted ones still listed."""
    with httpx.Client(base_url=base_url, timeout=60.0, headers={"X-API-Key": key}) as client:
        listed = {d["source"] for d in client.get("/api/documents").raise_for_status().json()["documents"]}
        lost = []
        for source, token in sorted(tally.kept.items()):
            hits = client.get("/api/search", params={"q": token, "k": 3}).raise_for_status().json()["hits"]
            if source not in listed or not any(h["source"] == source for h in hits):
                lost.append(source)
    return lost, sorted(s for s in tally.deleted if s in listed)


def run_soak(
    base_url: str,
    key: str,
    *,
    seconds: float,
    clients: int,
    documents: int,
    questions: list[str] | None = None,
    server_pid: int | None = None,
    files: Path | None = None,
) -> SoakResult:
    """Askers and writers against a running server for ``seconds``; then the zero-loss check
    (``files``: the folder uploads are stored under, to check the files too)."""
    with httpx.Client(base_url=base_url, timeout=60.0) as client:
        questions = questions or questions_from_index(client)
    tally = _Tally()
    stop = threading.Event()
    started = time.monotonic()
    deadline = started + seconds
    local = _loopback_clients(base_url)
    askers = [
        threading.Thread(
            target=_asker, args=(base_url, questions, i * 7, stop, tally, local(2, i)), daemon=True
        )
        for i in range(clients)
    ]
    writers = [
        threading.Thread(
            target=_writer,
            args=(base_url, key, range(w, documents, WRITERS), stop, deadline, tally, local(4, w)),
            daemon=True,
        )
        for w in range(WRITERS)
    ]
    writers.append(
        threading.Thread(
            target=_colliding_writer,
            args=(base_url, key, stop, tally, deadline + GRACE_S, local(4, WRITERS)),
            daemon=True,
        )
    )
    flooders = [
        threading.Thread(target=_flooder, args=(base_url, i, stop, tally, local(3, i)), daemon=True)
        for i in range(FLOODERS)
    ]
    threads_max = 0
    rss: list[float] = []
    for t in askers + writers + flooders:
        t.start()
    sample_every = max(seconds / 60, 0.5)
    next_sample = time.monotonic()
    while time.monotonic() < deadline:
        threads_max = max(threads_max, _threads(server_pid))
        if server_pid is not None and time.monotonic() >= next_sample:
            rss.append(_rss_mb(server_pid))
            next_sample += sample_every
        time.sleep(0.2)
    stop.set()
    for t in askers + writers + flooders:
        t.join(timeout=max(1.0, deadline + GRACE_S + 60 - time.monotonic()))
    elapsed = time.monotonic() - started
    lost, resurrected = _check(base_url, key, tally)
    files_lost, files_resurrected = _check_files(files, tally)
    return SoakResult(
        seconds=round(elapsed, 1),
        clients=clients,
        asks=len(tally.ask_ms),
        ask_errors=tally.ask_errors,
        ask_latency=Latency.of(tally.ask_ms),
        uploads=len(tally.upload_ms),
        upload_conflicts=tally.conflicts,
        upload_errors=tally.upload_errors,
        upload_latency=Latency.of(tally.upload_ms),
        deletes=tally.deletes,
        delete_errors=tally.delete_errors,
        documents_expected=len(tally.kept),
        kept=sorted(tally.kept),
        lost=lost,
        resurrected=resurrected,
        collisions_refused=tally.collisions["refused"],
        collisions_replaced=tally.collisions["replaced"],
        collision_errors=tally.collisions["errors"],
        flood_asks=tally.flood["asks"],
        flood_busy=tally.flood["busy"],
        flood_errors=tally.flood["errors"],
        streams=tally.streams,
        with_history=tally.with_history,
        files_lost=files_lost,
        files_resurrected=files_resurrected,
        server_threads_max=threads_max,
        rss_mb=rss,
        rss_growth=rss_growth(rss),
        error_samples=tally.samples,
        status_codes=dict(sorted(tally.codes.items())),
    )


def _loopback_clients(base_url: str) -> Any:
    """``local(group, n)``: a loopback address of its own for each client when the server listens on
    127.0.0.1 (Linux routes all of 127/8 there); else None (one address for all)."""
    if "//127.0.0.1:" not in base_url or not Path("/proc/net").is_dir():
        return lambda group, n: None
    return lambda group, n: f"127.0.{group}.{n + 1}"


def _prepare_index(source: Path | None, into: Path) -> Path:
    """A private copy of the given index, or a fresh index of corpus/ when there is none."""
    target = into / "index"
    if source is not None and (source / "CURRENT").is_file():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(".write.lock", "uploads"))
        return target
    from rag.ingest import ingest_paths

    print(f"no index at {source}; building one of {config.DEFAULT_CORPUS_DIR}", file=sys.stderr)
    report = ingest_paths([config.DEFAULT_CORPUS_DIR], target, progress=False)
    if report.errors:
        raise SystemExit(f"could not index the corpus: {report.errors}")
    return target


def _start_server(index: Path, port: int, key: str, cache: bool) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ, POLICYQA_INDEX=str(index), POLICYQA_ADMIN_KEY=key, POLICYQA_RATE_LIMIT_PER_MINUTE="0"
    )
    env.pop("POLICYQA_READ_REQUIRES_KEY", None)
    env.pop("POLICYQA_READ_KEYS", None)  # uploads then default to public (stated in each response)
    # Room in the pipeline queue for every soak client: the flood alone may fill it (503).
    env.setdefault("POLICYQA_PIPELINE_QUEUE", "32")
    if not cache:
        env["POLICYQA_ANSWER_CACHE_SIZE"] = "0"
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-proxy-headers"]
    return subprocess.Popen(cmd, env=env, cwd=config.PROJECT_ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0, help=f"how long (at most {MAX_MINUTES:g})")
    parser.add_argument("--clients", type=int, default=20, help="concurrent askers")
    parser.add_argument("--documents", type=int, default=40, help="at most this many uploads")
    parser.add_argument("--index", type=Path, default=None, metavar="DIR", help="index to copy")
    parser.add_argument("--no-cache", action="store_true", help="turn the server's answer cache off")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON report here")
    args = parser.parse_args(argv)
    if not 0 < args.minutes <= MAX_MINUTES or not 1 <= args.clients <= 200 or not 1 <= args.documents <= 1000:
        parser.error(f"--minutes in (0, {MAX_MINUTES:g}], --clients in [1, 200], --documents in [1, 1000]")

    key = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="policyqa-soak-") as tmp:
        index = _prepare_index(config.index_dir(args.index), Path(tmp))
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = _start_server(index, port, key, cache=not args.no_cache)
        try:
            wait_ready(base_url, timeout_s=180)
            result = run_soak(
                base_url,
                key,
                seconds=args.minutes * 60,
                clients=args.clients,
                documents=args.documents,
                server_pid=server.pid,
                files=index,
            )
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    report = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    print(report)
    if args.out:
        args.out.write_text(report + "\n", encoding="utf-8")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
