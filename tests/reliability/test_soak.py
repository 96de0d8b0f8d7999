"""The soak benchmark: askers and writers together lose nothing and report latency percentiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from reliability_support import ADMIN_KEY, serve, settings_for, stop

from tools.soak import main, rss_growth, run_soak
from tools.soak_roles import MIN_ASKS, WRITERS, Latency


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
    """Every role runs its minimal script whatever the machine's load (the 5 s bound the extra load,
    not what is asserted): each asker asks plainly, streamed and with history, each writer lands an
    upload, the colliding writer is refused three times and replaces once, the flooder floods.
    Longer runs only add more of the same load (`make soak` runs minutes of it)."""
    base_url, srv, thread = serve(settings_for(index_copy))
    try:
        result = run_soak(base_url, ADMIN_KEY, seconds=5, clients=3, documents=4, files=index_copy)
    finally:
        stop(srv, thread)
    report = result.to_dict()
    assert report["ok"], report
    assert result.asks >= 3 * MIN_ASKS and result.ask_errors == 0
    assert result.streams >= 3 and result.with_history >= 3
    assert result.uploads >= WRITERS and result.upload_errors == 0
    assert result.documents_expected == result.uploads - result.deletes + 1  # + the colliding writer's
    assert result.collisions_refused >= 3 and result.collisions_replaced >= 1 and result.collision_errors == 0
    assert result.flood_asks >= 1 and result.flood_errors == 0
    assert result.lost == [] and result.resurrected == []
    assert result.files_lost == [] and result.files_resurrected == []
    assert 0 < result.ask_latency.p50_ms <= result.ask_latency.p95_ms <= result.ask_latency.p99_ms
    # What the soak proves is visible on disk too: every kept upload is in the index's uploads folder.
    assert len(result.kept) == result.documents_expected
    for source in result.kept:
        assert (index_copy / source).is_file()


def test_memory_is_flat_when_it_stops_growing_after_the_warm_up() -> None:
    assert rss_growth([300, 500, 600, 610, 605, 612, 608, 611, 609]) <= 1.01
    assert rss_growth([300, 400, 500, 600, 700, 800, 900, 1000, 1100]) > 1.2
