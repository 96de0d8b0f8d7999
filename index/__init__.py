"""policyqa index: embedders, dense (FAISS) and lexical (BM25) indexes, fusion, persistence."""
