"""Benchmark the build against the PDF text floor.

Renders the corpus into N distinct PDFs (default 100), then times, in one run:
(a) pypdfium2 text extraction of those files — the floor no build can beat,
(b) a cold `inspections build` (no cache), (c) a warm rebuild (cache, nothing changed),
(d) the build's peak memory; and prints each as a ratio to the floor.

    .venv/bin/python benchmarks/run.py [--copies N] [--jobs J] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.reading.render import render_text_to_pdf  # noqa: E402


def render_corpus(target: Path, copies: int) -> int:
    """N distinct PDFs: the five reports in turn, each copy marked so its hash differs."""
    sources = sorted((ROOT / "corpus").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in sources]
    pages = 0
    for i in range(copies):
        text = texts[i % len(texts)] + f"\n\nBenchmark copy {i}\n"
        render_text_to_pdf(text, target / f"copy-{i:04d}-{sources[i % len(sources)].stem}.pdf")
    import pypdfium2 as pdfium
    for pdf in target.glob("*.pdf"):
        document = pdfium.PdfDocument(str(pdf))
        pages += len(document)
        document.close()
    return pages


def floor_seconds(folder: Path) -> float:
    import pypdfium2 as pdfium

    started = time.perf_counter()
    for path in sorted(folder.glob("*.pdf")):
        document = pdfium.PdfDocument(str(path))
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        document.close()
    return time.perf_counter() - started


def timed_build(folder: Path, db: Path, cache: Path, jobs: int) -> tuple[float, float]:
    """Seconds and peak resident memory (MB, largest process) of one build."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "inspections"), "build", str(folder), "--db", str(db),
                    "--cache-dir", str(cache), "--jobs", str(jobs), "-q"], check=True, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--keep", type=Path, help="keep the rendered PDFs and databases here")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="inspections-bench-"))
    pdfs = work / "pdfs"
    shutil.rmtree(pdfs, ignore_errors=True)
    pdfs.mkdir(parents=True)
    print(f"machine: {platform.platform()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}")
    started = time.perf_counter()
    pages = render_corpus(pdfs, args.copies)
    print(f"rendered {args.copies} PDFs, {pages} pages, in {time.perf_counter() - started:.1f} s")
    floor = floor_seconds(pdfs)
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    cold, cold_mb = timed_build(pdfs, work / "cold.db", cache, args.jobs)
    warm, warm_mb = timed_build(pdfs, work / "warm.db", cache, args.jobs)
    print(f"(a) floor, pypdfium2 text of every page: {floor:.2f} s ({1000 * floor / pages:.2f} ms a page)")
    print(f"(b) cold build, --jobs {args.jobs}:   {cold:.2f} s = {cold / floor:.1f}x the floor (target <= 5x)")
    print(f"(c) warm rebuild (cache):      {warm:.2f} s = {warm / floor:.2f}x the floor (target <= 0.5x)")
    print(f"(d) peak memory of one process: {max(cold_mb, warm_mb):.0f} MB (target < 1024 MB)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
