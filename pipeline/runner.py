"""Run `process_file` over many inputs: in parallel, each within a time limit.

Each document is processed in a forked child process, so a document whose parsing
hangs (even inside C code, where no Python timeout can reach) is killed at the
limit and reported, and the other documents carry on.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from multiprocessing.connection import wait

from .process import Outcome, process_file


def _child(conn, path, sha256, options):
    try:
        conn.send(process_file(path, sha256=sha256, **options))
    except BaseException as exc:  # pragma: no cover - process_file already catches
        conn.send(Outcome(str(path), sha256, "error", f"internal error ({type(exc).__name__}: {exc})"))
    finally:
        conn.close()


def run_parallel(tasks, *, jobs: int, timeout: float | None, options: dict, on_done=None) -> dict:
    """tasks: [(path, sha256)]. Returns {path: Outcome}."""
    if jobs <= 1 and not timeout:
        results = {}
        for path, sha in tasks:
            results[str(path)] = process_file(path, sha256=sha, **options)
            if on_done:
                on_done(results[str(path)])
        return results
    context = multiprocessing.get_context("fork")
    pending, running, results = list(tasks), {}, {}
    while pending or running:
        while pending and len(running) < max(1, jobs):
            path, sha = pending.pop(0)
            parent, child = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(child, path, sha, options), daemon=True)
            process.start()
            child.close()
            running[parent] = (process, path, sha, time.monotonic())
        deadline = min((started + timeout for _, _, _, started in running.values()), default=None) if timeout else None
        ready = wait(list(running), timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
        for conn in ready:
            process, path, sha, started = running.pop(conn)
            try:
                outcome = conn.recv()
            except EOFError:
                outcome = Outcome(str(path), sha, "error", "the worker processing this file died (out of memory?); "
                                                           "try it alone with `inspections extract`")
                outcome.seconds = round(time.monotonic() - started, 3)
            conn.close()
            process.join()
            results[str(path)] = outcome
            if on_done:
                on_done(outcome)
        if timeout:
            now = time.monotonic()
            for conn, (process, path, sha, started) in list(running.items()):
                if now - started >= timeout:
                    process.kill()
                    process.join()
                    conn.close()
                    del running[conn]
                    outcome = Outcome(str(path), sha, "error",
                                      f"processing took longer than the {timeout:g} s limit, so it was stopped "
                                      "(a malformed file?); raise --timeout to allow more")
                    outcome.seconds = round(now - started, 3)
                    outcome.messages.append("transient")
                    results[str(path)] = outcome
                    if on_done:
                        on_done(outcome)
    return results


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
