"""Re-run the notebooks against a fresh build of corpus/ and save them with their outputs.

    .venv/bin/python notebooks/execute.py            # build corpus/ into a temporary database
    .venv/bin/python notebooks/execute.py --db FILE  # use an existing database instead

The saved outputs are what GitHub shows; tests/test_notebook.py fails when they no longer
match a fresh run, and this is how to bring them up to date. `execute()` is what that test
runs: the `python3` kernel of this environment (ipykernel installed alongside nbclient),
the notebook folder as working directory, INSPECTIONS_DB pointing at the database.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOTEBOOKS = sorted(HERE.glob("*.ipynb"))


def execute(notebook: str | Path, db_path: str | Path, timeout: int = 120) -> nbformat.NotebookNode:
    """Execute a notebook against db_path and return it with its outputs (not saved)."""
    notebook = Path(notebook)
    nb = nbformat.read(notebook, as_version=4)
    env = {**os.environ, "INSPECTIONS_DB": str(Path(db_path).resolve())}
    client = NotebookClient(nb, kernel_name="python3", timeout=timeout, record_timing=False,
                            resources={"metadata": {"path": str(notebook.parent)}})
    with prefer_this_environment():
        client.execute(env=env)
    return nb


@contextlib.contextmanager
def prefer_this_environment():
    """Look up kernel specs in this environment (sys.prefix) before a user's own
    (~/.local/share/jupyter), so `python3` is ipykernel on this interpreter."""
    before = os.environ.get("JUPYTER_PREFER_ENV_PATH")
    os.environ["JUPYTER_PREFER_ENV_PATH"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["JUPYTER_PREFER_ENV_PATH"]
        else:
            os.environ["JUPYTER_PREFER_ENV_PATH"] = before


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database to run against (default: build corpus/ afresh)")
    parser.add_argument("notebooks", nargs="*", default=NOTEBOOKS, type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db
        if db_path is None:
            sys.path.insert(0, str(ROOT))
            from pipeline.build import build

            db_path = Path(tmp) / "inspections.db"
            build([str(ROOT / "corpus")], db_path)
        for notebook in args.notebooks:
            nbformat.write(execute(notebook, db_path), notebook)
            print(f"executed {notebook}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
