"""Benchmark the quantity reader: milliseconds per sentence over corpus prose (target < 1 ms).

    .venv/bin/python benchmarks/quantities.py [--sentences N]

Exit status 1 when the mean is over the target. (A timed test would fail on a busy
machine; speed targets live here.)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extraction.quantities import find_quantities  # noqa: E402
from pipeline.reading.sentences import sentences  # noqa: E402

TARGET_MS = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=600)
    args = parser.parse_args()
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt")))
    found = [s for line in text.split("\n") for s in sentences(line) if len(s) > 30][:args.sentences]
    find_quantities(found[0])  # build the pipeline once
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for sentence in found:
            find_quantities(sentence, 20)
        best = min(best, (time.perf_counter() - started) / len(found) * 1000)
    print(f"find_quantities: {best:.3f} ms per sentence over {len(found)} sentences (target < {TARGET_MS} ms)")
    return 0 if best < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
