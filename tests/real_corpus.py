"""Score the pipeline against a folder of real report texts and their hand-checked facts.

Each folder holds texts kept exactly as found (see tests/fixtures/real/README.md) and an
`expected.yml` of the title-page facts each text itself states. `evaluate` runs every
text through `process_file` and compares field by field; run this module to print the
score per field and every miss:

    .venv/bin/python -m tests.real_corpus [FOLDER]
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from pipeline.linking.services import load_services
from pipeline.process import process_file

REAL = Path(__file__).parent / "fixtures" / "real"

# expected.yml field -> how to read the same fact from a processed report.
HEADLINES = ("safeguarding", "risk_of_harm", "likelihood_of_reoffending")


def _service_id(name: str) -> str | None:
    return next((s["id"] for s in load_services() if s["name"] == name), None)


def _headlines(result: dict) -> dict:
    return {row["code"]: row["percent"] for row in result.get("scores", []) if row["code"] in HEADLINES}


def facts_of(outcome) -> dict:
    """The facts of a processed text, in expected.yml's terms."""
    got = {"recognised": outcome.status == "ok"}
    if outcome.status != "ok":
        got["reason"] = outcome.reason
        return got
    result = outcome.result
    report = result["report"]
    got.update({
        "programme": report["programme"],
        "area": report["area"],
        "service_id": report.get("service_id"),
        "publication": (report.get("publication_date") or "")[:7] or None,
        "publication_year": int(report["publication_date"][:4]) if report.get("publication_date") else report.get("year"),
        "isbn": report.get("isbn"),
        "lead_inspector": report.get("lead_inspector"),
        "overall_rating": report.get("overall_rating"),
        "headline_scores": _headlines(result),
    })
    return got


def compare(expected: dict, got: dict) -> list[tuple[str, object, object, bool]]:
    """(field, expected, got, right) for every fact the text states."""
    rows = [("recognised", expected["recognised"], got["recognised"], expected["recognised"] == got["recognised"])]
    if not expected["recognised"] or not got["recognised"]:
        return rows
    for field in ("programme", "area", "publication", "publication_year", "isbn", "lead_inspector", "overall_rating"):
        if field in expected:
            want = expected[field]
            have = got.get(field)
            rows.append((field, want, have, str(want) == str(have)))
    if "service" in expected and not expected.get("service_not_in_registry"):
        want = _service_id(expected["service"])
        rows.append(("service", want, got.get("service_id"), want is not None and want == got.get("service_id")))
    for code, percent in (expected.get("headline_scores") or {}).items():
        have = got.get("headline_scores", {}).get(code)
        rows.append((f"headline_scores.{code}", percent, have, have is not None and float(have) == float(percent)))
    return rows


def evaluate(folder: Path = REAL) -> list[dict]:
    expected = yaml.safe_load((folder / "expected.yml").read_text(encoding="utf-8"))
    out = []
    for name, facts in expected.items():
        outcome = process_file(folder / name)
        got = facts_of(outcome)
        for field, want, have, right in compare(facts, got):
            out.append({"file": name, "field": field, "expected": want, "got": have, "right": right,
                        "reason": outcome.reason})
    return out


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else REAL
    if not (folder / "expected.yml").exists():
        print(f"{folder}: no expected.yml there (the hand-checked facts of its texts; see tests/fixtures/real/README.md)",
              file=sys.stderr)
        return 2
    rows = evaluate(folder)
    fields = sorted({r["field"].split(".")[0] for r in rows})
    for field in fields:
        mine = [r for r in rows if r["field"].split(".")[0] == field]
        print(f"{field:20} {sum(r['right'] for r in mine):4d} / {len(mine):<4d}")
    right = sum(r["right"] for r in rows)
    print(f"{'all fields':20} {right:4d} / {len(rows):<4d} = {right / len(rows):.1%}")
    for r in rows:
        if not r["right"]:
            print(f"  MISS {r['file']}: {r['field']} expected {r['expected']!r}, got {r['got']!r}"
                  + (f" ({r['reason']})" if r["field"] == "recognised" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
