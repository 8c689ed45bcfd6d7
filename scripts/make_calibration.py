"""Write verifier/embed/calibration.jsonl from the sample corpus (int8 calibration texts).

Run: .venv/bin/python scripts/make_calibration.py [sample_corpus]
"""

import sys
from pathlib import Path

from verifier.embed.calibration import FILE, make_texts, write_texts
from verifier.sources import read_sources

sample = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("sample_corpus")
files = [sample / "sources", sample / "article.md"]  # not the folder's README
texts = make_texts(doc.text for doc in read_sources(files, max_bytes=10 * 1024 * 1024))
write_texts(texts)
print(f"{len(texts)} texts written to {FILE}")
