"""Structured checks (``kinds/structured.jsonl``) asked through the HTTP API, each passed or failed with why.

A check is one question (with the client-held history of a follow-up) and what its answer must
and must not say (folded substrings: no diacritics, đ→d, lower case) and which documents its
citations must come from. Unlike the gold sets' scoring (eval/metrics.py), a check is all or
nothing: every expected string, none of the forbidden ones, every named source. The questions go
through ``POST /api/ask`` (the FastAPI app in-process, or a running server) so the API's own path —
history, caching, schemas — is what is checked.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import PolicyQAError
from rag.text import fold

KINDS = ("reference", "unit_tasks", "due_in_period", "lineage", "follow_up")

# POST /api/ask: the request body in, the response's JSON (or raises) out.
Ask = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Check:
    id: str
    kind: str
    question: str
    expect_all: tuple[str, ...]
    expect_none: tuple[str, ...]
    # One prefix: the first citation's source starts with it; several: each starts some citation's source.
    source_prefix: str | tuple[str, ...] | None
    history: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CheckResult:
    check: Check
    answer: str
    sources: tuple[str, ...]
    abstained: bool
    strategy: str
    reasons: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return not self.reasons


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(s, str) and s for s in value):
        raise PolicyQAError(f"{where}: expected a list of non-empty strings")
    return tuple(value)


def parse_check(row: dict[str, Any], where: str) -> Check:
    """One JSON object of the file -> Check; a malformed one raises with its place."""
    for key in ("id", "kind", "question"):
        if not isinstance(row.get(key), str) or not row[key].strip():
            raise PolicyQAError(f"{where}: '{key}' must be a non-empty string")
    if row["kind"] not in KINDS:
        raise PolicyQAError(f"{where}: unknown kind {row['kind']!r} (known: {', '.join(KINDS)})")
    expect_all = _strings(row.get("expect_all", []), f"{where} expect_all")
    expect_none = _strings(row.get("expect_none", []), f"{where} expect_none")
    unfolded = [s for s in expect_all + expect_none if fold(s) != s]
    if unfolded:
        raise PolicyQAError(f"{where}: expected strings must be folded: {unfolded}")
    prefix = row.get("source_prefix")
    if isinstance(prefix, list):
        prefix = _strings(prefix, f"{where} source_prefix")
    elif prefix is not None and not isinstance(prefix, str):
        raise PolicyQAError(f"{where}: source_prefix must be a string or a list of strings")
    history = []
    for turn in row.get("history") or []:
        if not isinstance(turn, dict) or not isinstance(turn.get("question"), str):
            raise PolicyQAError(f"{where}: each history turn needs a 'question' (and an 'answer')")
        history.append((turn["question"], str(turn.get("answer") or "")))
    if row["kind"] == "follow_up" and not history:
        raise PolicyQAError(f"{where}: a follow_up check needs its history")
    return Check(
        id=row["id"],
        kind=row["kind"],
        question=row["question"],
        expect_all=expect_all,
        expect_none=expect_none,
        source_prefix=prefix,
        history=tuple(history),
    )


def load_checks(path: str | Path) -> list[Check]:
    path = Path(path)
    if not path.is_file():
        raise PolicyQAError(f"structured checks not found: {path}")
    checks, seen = [], set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PolicyQAError(f"{where}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise PolicyQAError(f"{where}: expected a JSON object")
        check = parse_check(row, where)
        if check.id in seen:
            raise PolicyQAError(f"{where}: duplicate id {check.id!r}")
        seen.add(check.id)
        checks.append(check)
    if not checks:
        raise PolicyQAError(f"{path}: no checks")
    return checks


def judge(check: Check, answer: str, sources: Sequence[str]) -> tuple[str, ...]:
    """Why the answer fails the check (empty: it passes)."""
    folded = fold(answer)
    reasons = [f"missing «{s}»" for s in check.expect_all if s not in folded]
    reasons += [f"says «{s}»" for s in check.expect_none if s in folded]
    prefix = check.source_prefix
    if isinstance(prefix, str):
        first = sources[0] if sources else "(no citation)"
        if not first.startswith(prefix):
            reasons.append(f"first citation {first} is not {prefix}*")
    elif prefix:
        reasons += [f"no citation from {p}*" for p in prefix if not any(s.startswith(p) for s in sources)]
    return tuple(reasons)


def request_body(check: Check) -> dict[str, Any]:
    body: dict[str, Any] = {"question": check.question}
    if check.history:
        body["history"] = [{"question": q, "answer": a} for q, a in check.history]
    return body


def run_checks(checks: Sequence[Check], ask: Ask) -> list[CheckResult]:
    results = []
    for check in checks:
        try:
            response = ask(request_body(check))
        except Exception as exc:  # noqa: BLE001 (an API error fails this check, not the run)
            results.append(CheckResult(check, "", (), True, "", (f"API error: {exc}",)))
            continue
        answer = str(response.get("answer", ""))
        sources = tuple(str(c.get("source", "")) for c in response.get("citations", []))
        results.append(
            CheckResult(
                check,
                answer,
                sources,
                bool(response.get("abstained")),
                str(response.get("strategy") or ""),
                judge(check, answer, sources),
            )
        )
    return results


def http_ask(client: Any) -> Ask:
    """An httpx-like client (FastAPI's TestClient, httpx.Client(base_url=…)) -> Ask."""

    def ask(body: dict[str, Any]) -> dict[str, Any]:
        response = client.post("/api/ask", json=body)
        if response.status_code != 200:
            raise PolicyQAError(f"HTTP {response.status_code}: {response.text[:200]}")
        return response.json()

    return ask


def format_results(results: Sequence[CheckResult]) -> str:
    lines = []
    for r in results:
        verdict = "pass" if r.passed else "FAIL"
        lines.append(f"{verdict}  {r.check.id} {r.check.kind:<13} {r.check.question}")
        if not r.passed:
            lines.append(f"      why: {'; '.join(r.reasons)}")
            lines.append(f"      answer ({r.strategy or '-'}): {r.answer[:300]}")
            lines.append(f"      sources: {', '.join(r.sources[:5]) or '(none)'}")
    passed = sum(r.passed for r in results)
    lines.append(f"\n{passed} of {len(results)} structured checks pass")
    by_kind: dict[str, list[bool]] = {}
    for r in results:
        by_kind.setdefault(r.check.kind, []).append(r.passed)
    lines.append("  " + ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in by_kind.items()))
    return "\n".join(lines)


def results_json(results: Sequence[CheckResult]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.check.id,
            "kind": r.check.kind,
            "question": r.check.question,
            "passed": r.passed,
            "reasons": list(r.reasons),
            "answer": r.answer,
            "sources": list(r.sources),
            "abstained": r.abstained,
            "strategy": r.strategy,
        }
        for r in results
    ]


def run_structured(args: argparse.Namespace) -> int:
    """`policyqa eval --structured FILE`: 0 when every check passes, 1 otherwise."""
    checks = load_checks(args.structured)
    if getattr(args, "server", None):
        import httpx

        with httpx.Client(base_url=args.server, timeout=120) as client:
            results = run_checks(checks, http_ask(client))
    else:
        from fastapi.testclient import TestClient

        from api.main import create_app
        from api.settings import Settings

        settings = Settings(index=args.index_dir, rate_limit_per_minute=0)
        with TestClient(create_app(settings)) as client:
            results = run_checks(checks, http_ask(client))
    print(format_results(results))
    if getattr(args, "out", None):
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        target = out / "structured.json"
        target.write_text(json.dumps(results_json(results), ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"wrote {target}")
    return 0 if all(r.passed for r in results) else 1
