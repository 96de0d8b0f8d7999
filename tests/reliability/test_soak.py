"""The soak benchmark: askers and writers together lose nothing and report latency percentiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from reliability_support import ADMIN_KEY, serve, settings_for, stop

from api.soak import Latency, main, run_soak


def test_latency_percentiles() -> None:
    lat = Latency.of([float(v) for v in range(1, 101)])
    assert (lat.count, lat.p50_ms, lat.p95_ms, lat.p99_ms, lat.max_ms) == (100, 50.0, 95.0, 99.0, 100.0)
    assert Latency.of([]).count == 0


@pytest.mark.parametrize(
    "argv", [["--minutes", "0"], ["--minutes", "61"], ["--clients", "0"], ["--documents", "0"]]
)
def test_soak_refuses_unbounded_runs(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


@pytest.mark.slow
def test_short_soak_loses_nothing(index_copy: Path) -> None:
    base_url, srv, thread = serve(settings_for(index_copy))
    try:
        result = run_soak(base_url, ADMIN_KEY, seconds=20, clients=3, documents=4)
    finally:
        stop(srv, thread)
    report = result.to_dict()
    assert report["ok"], report
    assert result.asks > 10 and result.ask_errors == 0
    assert result.uploads >= 1 and result.upload_errors == 0
    assert result.documents_expected == result.uploads - result.deletes + 1  # + the colliding writer's
    assert result.collisions_refused >= 1 and result.collision_errors == 0
    assert result.flood_asks >= 1 and result.flood_errors == 0
    assert result.lost == [] and result.resurrected == []
    assert 0 < result.ask_latency.p50_ms <= result.ask_latency.p95_ms <= result.ask_latency.p99_ms
    # What the soak proves is visible on disk too: every kept upload is in the index's uploads folder.
    assert len(result.kept) == result.documents_expected
    for source in result.kept:
        assert (index_copy / source).is_file()
