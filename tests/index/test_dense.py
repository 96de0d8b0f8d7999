from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.dense import DenseIndex


def _unit(n: int, d: int = 8, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_flat_below_threshold_exact_search() -> None:
    vecs = _unit(20)
    index = DenseIndex.build([f"c{i}" for i in range(20)], vecs)
    assert index.kind == "flat"
    hits = index.search(vecs[7], 3)[0]
    assert hits[0][0] == "c7" and abs(hits[0][1] - 1.0) < 1e-5
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_hnsw_chosen_above_threshold_and_on_crossing() -> None:
    vecs = _unit(300)
    index = DenseIndex.build([f"c{i}" for i in range(300)], vecs, hnsw_threshold=200)
    assert index.kind == "hnsw"
    assert index.search(vecs[42], 1)[0][0][0] == "c42"
    growing = DenseIndex.build([f"c{i}" for i in range(150)], vecs[:150], hnsw_threshold=200)
    assert growing.kind == "flat"
    growing.add([f"c{i}" for i in range(150, 300)], vecs[150:])
    assert growing.kind == "hnsw" and len(growing) == 300


def test_remove_keeps_vectors_of_others(tmp_path: Path) -> None:
    vecs = _unit(10)
    index = DenseIndex.build([f"c{i}" for i in range(10)], vecs)
    assert index.remove({"c3", "c4", "zz"}) == 2
    assert "c3" not in index.ids and len(index) == 8
    assert np.allclose(index.vectors[index.ids.index("c9")], vecs[9])
    assert index.search(vecs[3], 10)[0][0][0] != "c3"
    index.save(tmp_path / "d.faiss")
    loaded = DenseIndex.load(tmp_path / "d.faiss", index.ids, index.dim)
    assert loaded.search(vecs[9], 1)[0][0][0] == "c9"


def test_exact_scores_for_rows() -> None:
    vecs = _unit(5)
    index = DenseIndex.build([f"c{i}" for i in range(5)], vecs)
    rows = np.array([1, 3])
    assert np.allclose(index.scores_for(vecs[3], rows), vecs[[1, 3]] @ vecs[3])


def test_copy_is_independent() -> None:
    vecs = _unit(300)
    index = DenseIndex.build([f"c{i}" for i in range(200)], vecs[:200], hnsw_threshold=100)
    clone = index.copy()
    clone.add([f"c{i}" for i in range(200, 300)], vecs[200:])
    assert clone.kind == "hnsw" and len(clone) == 300 and clone.faiss_index.ntotal == 300
    assert len(index) == 200 and index.faiss_index.ntotal == 200
    assert clone.search(vecs[250], 1)[0][0][0] == "c250"


@pytest.mark.parametrize("threshold", [1000, 100])  # flat, HNSW
def test_loaded_index_maps_its_vectors_and_copies_grow(tmp_path: Path, threshold: int) -> None:
    vecs = _unit(300)
    index = DenseIndex.build([f"c{i}" for i in range(200)], vecs[:200], hnsw_threshold=threshold)
    index.save(tmp_path / "d.faiss")
    loaded = DenseIndex.load(tmp_path / "d.faiss", index.ids, index.dim, hnsw_threshold=threshold)
    assert loaded.kind == index.kind
    assert not loaded.vectors.flags.writeable  # the index's own mapped storage, not a copy
    assert np.array_equal(loaded.vectors, vecs[:200])
    assert loaded.search(vecs[7], 1)[0][0][0] == "c7"
    # A writer starts from a copy of the mapped index: it grows and shrinks in memory.
    clone = loaded.copy()
    clone.add([f"c{i}" for i in range(200, 300)], vecs[200:])
    assert clone.remove({"c0"}) == 1 and len(clone) == 299
    assert clone.search(vecs[250], 1)[0][0][0] == "c250"
    assert len(loaded) == 200 and loaded.search(vecs[0], 1)[0][0][0] == "c0"


@pytest.mark.parametrize("threshold", [1000, 100])  # flat, HNSW
def test_mapped_vectors_outlive_the_index_they_came_from(tmp_path: Path, threshold: int) -> None:
    """A reader may keep an older generation's vectors after its index is dropped: the memory
    stays valid (it segfaulted once the index was freed and its file unmapped)."""
    import gc

    vecs = _unit(300)
    DenseIndex.build([f"c{i}" for i in range(300)], vecs, hnsw_threshold=threshold).save(tmp_path / "d.faiss")
    loaded = DenseIndex.load(tmp_path / "d.faiss", [f"c{i}" for i in range(300)], 8, hnsw_threshold=threshold)
    rows = loaded.vectors[100:110]
    del loaded
    gc.collect()
    _ = [np.ones(1 << 16) for _ in range(64)]  # reuse of freed memory, if it was freed
    assert np.array_equal(rows, vecs[100:110])
