"""Load test of the served database: does Datasette answer each canned query in under
100 ms at the 95th percentile on a 500-report database?

Makes N distinct text reports by copying corpus/*.txt in turn (each copy marked so its
hash differs; copies of one report get ids `-2`, `-3`, … and the same area and service,
so the database grows as a real one would), builds them with `inspections build`, starts
the real server (`inspections serve`) on a free port, and requests, one after another,
every canned query of pipeline.storage.views.CANNED_QUERIES (parameters from QUERY_EXAMPLES; a
query without an example gets '' for each parameter), a full-text search, a table page,
the service_timeline view, and the HTML pages of the site: a report of each generation,
a service (Southampton: its own copies and Wessex's, through lineage) and the compare page.
The first request of each is a warm-up, not counted.

    .venv/bin/python benchmarks/serve_load.py [--reports 500] [--requests 50] [--keep DIR] [--db FILE]

Exit status 1 if any request failed or any p95 is 100 ms or more.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.storage.views import CANNED_QUERIES, QUERY_EXAMPLES  # noqa: E402

BIN = ROOT / ".venv" / "bin"
TARGET_MS = 100.0
MAIN_TABLES = ["reports", "findings", "finding_quantities", "passages", "scores", "ratings", "key_questions",
               "recommendations", "validations", "metadata_evidence", "services", "service_lineage"]


def make_corpus(target: Path, count: int) -> None:
    """N distinct text reports: the corpus reports in turn, each copy marked so its hash differs."""
    sources = sorted((ROOT / "corpus").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in sources]
    for i in range(count):
        name = f"copy-{i:04d}-{sources[i % len(sources)].stem}.txt"
        (target / name).write_text(texts[i % len(texts)] + f"\n\nLoad test copy {i}\n", encoding="utf-8")


def build(folder: Path, db: Path, cache: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "inspections"), "build", str(folder), "--db", str(db),
                           "--cache-dir", str(cache), "-q"], stderr=subprocess.PIPE, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"build failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def query_params(name: str, query: dict) -> dict:
    """The example parameters of a canned query, '' for any it lacks."""
    names = query.get("params") or sorted(set(re.findall(r"(?<!:):(\w+)", query["sql"])))
    example = QUERY_EXAMPLES.get(name, {})
    return {param: example.get(param, "") for param in names}


def targets(database: str) -> list[tuple[str, str]]:
    found = []
    for name, query in CANNED_QUERIES.items():
        params = urllib.parse.urlencode({"_shape": "array", **query_params(name, query)})
        found.append((name, f"/{database}/{name}.json?{params}"))
    found += [
        ("search passages 'MAPPA'", f"/{database}/passages.json?_search=MAPPA&_shape=array"),
        ("table page findings", f"/{database}/findings.json?_shape=array"),
        ("view service_timeline", f"/{database}/service_timeline.json?_shape=array"),
    ]
    # The pages (HTML): copies keep the original report's id for the first copy.
    compare = urllib.parse.urlencode(QUERY_EXAMPLES["compare_services"])
    found += [(f"page {label}", f"/{database}/{path}") for label, path in [
        ("report YOS-2018", "reports/2020-yos-2018-southampton"),
        ("report CCI", "reports/2011-cci-wessex"),
        ("report SQS", "reports/2013-sqs-wandsworth"),
        ("service southampton", "services/southampton"),
        ("service wessex", "services/wessex"),
        ("service with none loaded", "services/derby"),
        ("compare", f"-/compare?{compare}"),
    ]]
    return found


class Client:
    """One keep-alive connection, reopened if the server closes it."""

    def __init__(self, port: int):
        self.port = port
        self.conn = None

    def get(self, path: str) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request("GET", path)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def wait_until_up(client: Client, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited with status {server.returncode}")
        try:
            status, _ = client.get("/-/versions.json")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"the server did not answer within {seconds:.0f} s")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def measure(client: Client, path: str, requests: int, server_pid: int) -> dict:
    status, body = client.get(path)  # warm-up, not counted
    times, statuses = [], {status}
    cpu_before = cpu_seconds(server_pid)
    for _ in range(requests):
        started = time.perf_counter()
        status, body = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        statuses.add(status)
    cpu_after = cpu_seconds(server_pid)
    # The server's own CPU time per request: what a request costs, however busy the machine.
    cpu = (cpu_after - cpu_before) * 1000 / requests if cpu_before is not None and cpu_after is not None else None
    try:
        rows = len(json.loads(body)) if status == 200 else None
    except ValueError:  # an HTML page
        rows = None
    return {"statuses": statuses, "rows": rows, "kb": len(body) / 1000, "cpu": cpu, "p50": percentile(times, 50), "p95": percentile(times, 95),
            "max": max(times), "error": None if statuses == {200} else body[:300].decode("utf-8", "replace")}


def describe(db: Path) -> None:
    import datasette

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"machine: {platform.platform()}, {cores} cores, Python {platform.python_version()}, "
          f"Datasette {datasette.__version__}, SQLite {sqlite3.sqlite_version}")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        counts = []
        for table in MAIN_TABLES:
            try:
                counts.append(f"{table} {conn.execute(f'SELECT count(*) FROM [{table}]').fetchone()[0]:,}")
            except sqlite3.Error:
                pass
    finally:
        conn.close()
    print(f"database: {db} ({db.stat().st_size / 1e6:.1f} MB)")
    print("rows: " + ", ".join(counts))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=500, help="reports in the database built (default 500)")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per URL, after one warm-up (default 50)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (its extraction cache makes a re-run fast)")
    parser.add_argument("--db", type=Path, help="serve this database instead of building one")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="inspections-serve-load-"))
    work.mkdir(parents=True, exist_ok=True)
    server = log = None
    try:
        if args.db:
            db = args.db
        else:
            db = work / "inspections.db"
            reports = work / "reports"
            shutil.rmtree(reports, ignore_errors=True)
            reports.mkdir(parents=True)
            make_corpus(reports, args.reports)
            seconds = build(reports, db, work / "cache")
            print(f"built {args.reports} text reports in {seconds:.1f} s")
        describe(db)

        port = free_port()
        log = open(work / "server.log", "wb")
        # A session of its own, so the server and any process it starts stop together.
        server = subprocess.Popen([str(BIN / "inspections"), "serve", "--db", str(db), "--port", str(port)],
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        client = Client(port)
        wait_until_up(client, server)

        print(f"\n{args.requests} sequential requests per URL after one warm-up, target p95 < {TARGET_MS:.0f} ms; "
              f"cpu ms: the server's CPU time per request, which a busy machine inflates far less than the "
              f"times (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)\n")
        header = (f"{'query':<34} {'rows':>6} {'KB':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
                  f"{'cpu ms':>7}  result")
        print(header)
        print("-" * len(header))
        failed = 0
        for name, path in targets(db.stem):
            r = measure(client, path, args.requests, server.pid)
            ok = r["error"] is None and r["p95"] < TARGET_MS
            failed += not ok
            verdict = "PASS" if ok else ("FAIL" if r["error"] is None else f"ERROR {sorted(r['statuses'])}")
            rows = "-" if r["rows"] is None else str(r["rows"])
            cpu = "-" if r["cpu"] is None else f"{r['cpu']:.1f}"
            print(f"{name:<34} {rows:>6} {r['kb']:6.0f} {r['p50']:8.1f} {r['p95']:8.1f} {r['max']:8.1f} {cpu:>7}"
                  f"  {verdict}", flush=True)
            if r["error"]:
                print(f"    {path}: {r['error']}")
        print(f"\n{failed} of {len(targets(db.stem))} failed the target" if failed else "\nall met the target",
              f"(load average {os.getloadavg()[0]:.1f})")
        return 1 if failed else 0
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if log is not None:
            log.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
