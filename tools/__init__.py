"""Benchmarks, load and soak tests, and synthetic data: tools that import the product, never the
other way round (tests/test_layers.py). ``policyqa bench`` reaches them through the handler path
the CLI names (``rag/cli.py``: "tools.scale_bench:run_bench", imported when the command runs), so
no product module imports this package."""
