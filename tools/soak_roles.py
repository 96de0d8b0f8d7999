"""The soak's roles (tools/soak.py runs them): askers carrying a conversation and reading every other
answer as a stream, writers uploading and deleting generated documents, a writer of colliding
names, flooders of long random questions; the tally they share and the result they add up to."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from tools.loadtest import percentile

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


class Tally:
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


def asker(
    base_url: str,
    questions: list[str],
    offset: int,
    stop: threading.Event,
    tally: Tally,
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


def writer(
    base_url: str,
    key: str,
    ids: range,
    stop: threading.Event,
    deadline: float,
    tally: Tally,
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
    client: httpx.Client, doc: tuple[str, str], deadline: float, stop: threading.Event, tally: Tally
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


def colliding_writer(
    base_url: str, key: str, stop: threading.Event, tally: Tally, until: float, address: str | None = None
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


def flooder(
    base_url: str, seed: int, stop: threading.Event, tally: Tally, address: str | None = None
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
