"""Parts of ``benchmarks/bench_quality.py``: metrics, and one module per data set."""
