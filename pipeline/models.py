"""Access to the rule tables kept as data in `models/`."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import yaml

# libyaml's parser where installed: the rule tables load several times faster.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"


@lru_cache(maxsize=None)
def load_model(name: str):
    path = MODELS_DIR / name
    text = path.read_text(encoding="utf-8")
    if path.suffix in {".yml", ".yaml"}:
        return yaml.load(text, Loader=SafeLoader)
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)
