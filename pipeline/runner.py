"""Run `process_file` over many inputs: in parallel, each within a time limit.

Documents are processed by a pool of forked worker processes, each taking one
document at a time. A worker whose document takes longer than the limit (even
inside C code, where no Python timeout can reach) is killed and replaced, and the
document reported; the others carry on. The parent loads the extractors and the NLP
pipeline before forking, so workers start warm and share that memory.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from multiprocessing.connection import wait

from .process import Outcome, process_file, warm_up


def _worker(conn, options):
    """Process (path, sha256) requests until told to stop (None), or until the parent is
    gone: a build killed outright (SIGKILL, a CI timeout) must not leave workers behind,
    and a forked child's copy of the pipe means recv() alone would never notice."""
    parent = os.getppid()
    _die_with_parent()
    while True:
        while not conn.poll(1.0):
            if os.getppid() != parent:
                return
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        path, sha256 = task
        try:
            outcome = process_file(path, sha256=sha256, **options)
        except BaseException as exc:  # pragma: no cover - process_file already catches
            outcome = Outcome(str(path), sha256, "error", f"internal error ({type(exc).__name__}: {exc})")
        conn.send(outcome)


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this worker when the parent dies, even mid-document
    (prctl PR_SET_PDEATHSIG); elsewhere the idle loop's parent check has to do."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _Worker:
    def __init__(self, context, options):
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_worker, args=(child, options), daemon=True)
        self.process.start()
        child.close()
        self.task = None
        self.started = 0.0

    def give(self, task) -> None:
        self.task, self.started = task, time.monotonic()
        self.conn.send(task)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join()
        self.conn.close()


def run_parallel(tasks, *, jobs: int, timeout: float | None, options: dict, on_done=None) -> dict:
    """tasks: [(path, sha256)]. Returns {path: Outcome}."""
    results = {}

    def done(outcome):
        results[outcome.path] = outcome
        if on_done:
            on_done(outcome)

    if not tasks:
        return results
    if jobs <= 1 and not timeout:
        for path, sha in tasks:
            done(process_file(path, sha256=sha, **options))
        return results
    warm_up()
    context = multiprocessing.get_context("fork")
    pending = list(tasks)
    workers = [_Worker(context, options) for _ in range(max(1, min(jobs, len(tasks))))]
    try:
        while pending or any(w.task for w in workers):
            for worker in workers:
                if worker.task is None and pending:
                    worker.give(pending.pop(0))
            busy = [w for w in workers if w.task]
            deadline = min(w.started for w in busy) + timeout if timeout else None
            ready = wait([w.conn for w in busy],
                         timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
            for index, worker in enumerate(workers):
                if worker.task is None:
                    continue
                path, sha = worker.task
                elapsed = round(time.monotonic() - worker.started, 3)
                if worker.conn in ready:
                    try:
                        outcome = worker.conn.recv()
                    except EOFError:
                        outcome = Outcome(str(path), sha, "error", "the worker processing this file died "
                                          "(out of memory?); try it alone with `inspections extract`")
                        outcome.seconds = elapsed
                        outcome.messages.append("transient")  # not cached: worth retrying next build
                        worker.stop(kill=True)
                        workers[index] = _Worker(context, options)
                    else:
                        worker.task = None
                    done(outcome)
                elif timeout and elapsed >= timeout:
                    worker.stop(kill=True)
                    workers[index] = _Worker(context, options)
                    outcome = Outcome(str(path), sha, "error",
                                      f"processing took longer than the {timeout:g} s limit, so it was stopped "
                                      "(a malformed file?); raise --timeout to allow more")
                    outcome.seconds = elapsed
                    outcome.messages.append("transient")
                    done(outcome)
    finally:
        for worker in workers:
            worker.stop(kill=worker.task is not None)
    return results


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
