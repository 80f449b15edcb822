"""Checks of Core Case Inspection scores against the inspectorate's banding.

A CCI report prints each criterion's score with its "improvement required" band
(MINIMUM ... DRASTIC), but never the thresholds. So the thresholds are derived from
the data: within one report (run by the extractor) and across every CCI report of a
build (`corpus_band_validations`, run by the build once all reports are extracted).

Kept apart from the extractor, with no spaCy import, so that a warm rebuild (every
report from the cache) can run the corpus-wide check without loading the NLP stack.
"""

from __future__ import annotations

from ..models import load_model


def bands() -> list[str]:
    return load_model("cci.yml")["bands"]


def fold(text: str) -> str:
    return " ".join(text.split())


def band_ranges(scored: list[dict]) -> dict:
    """Observed score range of each band: {band: (lowest, highest, count)}."""
    ranges = {}
    for row in scored:
        if row.get("band") and row.get("percent") is not None:
            low, high, n = ranges.get(row["band"], (row["percent"], row["percent"], 0))
            ranges[row["band"]] = (min(low, row["percent"]), max(high, row["percent"]), n + 1)
    return ranges


def band_validations(scored: list[dict], scope: str = "this report", suffix: str = "") -> list[dict]:
    """Whether bands and scores agree, with thresholds derived from the data: a band's
    scores must all lie above every score of a worse band and below every score of a
    better one. One row records the derived ranges; one row checks each banded score."""
    if not band_ranges(scored):
        return []
    bounds = band_bounds(scored)
    return [band_summary(scored, scope, suffix)] + [
        band_agreement(row, bounds, scope, suffix) for row in scored
        if row.get("band") in bands() and row.get("percent") is not None]


def band_summary(scored: list[dict], scope: str, suffix: str) -> dict:
    order = bands()
    ranges = band_ranges(scored)
    present = [b for b in order if b in ranges]
    overlaps = [f"{better} {ranges[better][0]:g}% <= {worse} {ranges[worse][1]:g}%"
                for i, better in enumerate(present) for worse in present[i + 1:]
                if ranges[better][0] <= ranges[worse][1]]
    thresholds = [f"the {worse}/{better} threshold lies above {ranges[worse][1]:g}% and at or below "
                  f"{ranges[better][0]:g}%" for better, worse in zip(present, present[1:])]
    return {"rule": "band_ranges_derived" + suffix,
            "expected": f"bands ordered {' > '.join(order)}: every score of a band above every score of a worse band",
            "found": "; ".join(f"{b} {describe_range(ranges[b])}" for b in present),
            "passed": int(not overlaps),
            "evidence": f"ranges observed in the {sum(r[2] for r in ranges.values())} banded scores of {scope}; "
                        + ("; ".join(thresholds) if not overlaps else "overlapping: " + "; ".join(overlaps))}


def describe_range(r: tuple) -> str:
    low, high, n = r
    return f"{low:g}%" + (f"-{high:g}%" if high != low else "") + f" ({n} score{'s' if n != 1 else ''})"


def band_agreement(row: dict, bounds: dict, scope: str, suffix: str) -> dict:
    """One banded score against `band_bounds` of every score in scope."""
    worst, best = bounds[row["band"]]
    bounds = ([f"above every worse-band score (max {worst:g}%)"] if worst is not None else []) + \
             ([f"below every better-band score (min {best:g}%)"] if best is not None else [])
    ok = (worst is None or row["percent"] > worst) and (best is None or row["percent"] < best)
    where = f"{row['report_id']} " if row.get("report_id") else ""
    return {"rule": "band_agrees_with_score" + suffix,
            "expected": f"{row['band']}: " + (" and ".join(bounds) or "no scores of other bands to compare with"),
            "found": f"{where}{row['code']}: {row['percent']:g}% {row['band']}", "passed": int(ok),
            "evidence": f"{fold(row.get('evidence') or '')} (thresholds derived from {scope})"}


def band_bounds(scored: list[dict]) -> dict:
    """{band: (highest score of any worse band, lowest score of any better band)}, None
    where there is none: computed once, so checking every score is linear, not quadratic."""
    order = bands()
    percents = {band: [r["percent"] for r in scored if r.get("band") == band and r.get("percent") is not None]
                for band in order}
    out = {}
    for rank, band in enumerate(order):
        worse = [p for b in order[rank + 1:] for p in percents[b]]
        better = [p for b in order[:rank] for p in percents[b]]
        out[band] = (max(worse) if worse else None, min(better) if better else None)
    return out


def corpus_band_validations(results: dict) -> dict:
    """The band check across reports ({report_id: result} → {report_id: validation rows}):
    ranges derived from every report's scores, each report's scores checked against them.
    For the build to call once all reports are extracted."""
    scored = [{**row, "report_id": rid} for rid, result in results.items() for row in result.get("scores", [])]
    scope = f"{len(results)} CCI reports"
    if not band_ranges(scored):
        return {rid: [] for rid in results}
    summary = band_summary(scored, scope, "_across_reports")
    out = {rid: [summary] for rid in results}
    bounds = band_bounds(scored)
    for row in scored:
        if row.get("band") in bounds and row.get("percent") is not None:
            out[row["report_id"]].append(band_agreement(row, bounds, scope, "_across_reports"))
    return out


def section_score_checks(scores: list[dict]) -> list[dict]:
    """A section's overall score should lie within its criteria's scores (checked
    only where every criterion's percentage is printed)."""
    rows = []
    for section in (s for s in scores if s["code"].startswith("section-")):
        number = section["code"].split("-")[1]
        parts = [s for s in scores if s["code"].startswith(f"{number}.")]
        if section["percent"] is None or not parts or any(p["percent"] is None for p in parts):
            continue
        low, high = min(p["percent"] for p in parts), max(p["percent"] for p in parts)
        rows.append({"rule": "section_score_within_criteria",
                     "expected": f"{section['code']} between its criteria's lowest and highest score ({low:g}%-{high:g}%)",
                     "found": f"{section['percent']:g}%", "passed": int(low <= section["percent"] <= high),
                     "evidence": "; ".join(f"{p['code']} {p['percent']:g}%" for p in parts) + f"; {section['evidence']}"})
    return rows
