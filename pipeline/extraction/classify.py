"""Decide what a document is: which inspection programme's report, or why it is none.

The evidence is declared in `models/programmes.yml` and weighed: who published it (the
inspectorate's name in any of its printed forms, its ISBN prefix, ...), which programme's
title and structure it has, whether it is shaped like a report, and whether it is instead
a document *about* an inspection (a press release, committee minutes, an annual report).
Every signal found is kept, with its line, so a reader can see why a document was put in
a programme, and a rejection says what was found and what was missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

from ..models import load_model
from ..reading.compact import CompactText
from ..reading.document import Document

PROGRAMMES = ("CCI", "SQS", "FJI", "YOS-2018", "YJS-2021", "YJS-2025")


@dataclass
class Classification:
    programme: str | None  # one of PROGRAMMES, "unknown", or None when rejected
    accepted: bool
    reason: str
    scores: dict = field(default_factory=dict)  # programme -> total weight of its signals found
    evidence: list = field(default_factory=list)  # [{"group", "signal", "line", "page", "text", "weight"}]

    @property
    def evidence_text(self) -> str:
        return "; ".join(f"{e['group']}: {e['signal']} '{e['text']}' (line {e['line']})" for e in self.evidence)


@dataclass
class Signal:
    group: str
    name: str
    weight: int
    opening_only: bool
    compact: object = None  # compiled pattern over the compact text
    pattern: object = None  # compiled pattern over the text


def _signals(group: str, specs) -> list[Signal]:
    out = []
    for spec in specs or []:
        compact = spec.get("compact")
        out.append(Signal(
            group, spec.get("name", group), spec["weight"], spec.get("within") == "opening",
            compact=regex.compile("".join(compact.split())) if compact else None,
            pattern=None if compact else regex.compile(spec["pattern"], regex.IGNORECASE | regex.MULTILINE)))
    return out


@lru_cache(maxsize=1)
def _rules() -> dict:
    spec = load_model("programmes.yml")
    return {
        "opening_lines": spec["opening_lines"],
        "compact_within_chars": spec["compact_within_chars"],
        "publisher": (_signals("publisher", spec["publisher"]["signals"]), spec["publisher"]["threshold"]),
        "min_score": spec["min_score"],
        "min_structure_without_area": spec["min_structure_without_area"],
        "youth_min_structure": spec["youth"]["min_structure"],
        "programmes": {name: _signals(name, p["signals"]) for name, p in spec["programmes"].items()},
        "youth": _signals("youth", spec["youth"]["signals"]),
        "structure": _signals("report structure", spec["report_structure"]["signals"]),
        "not_reports": {kind: {**k, "signals": _signals(kind, k["signals"])} for kind, k in spec["not_reports"].items()},
        "not_reports_within_chars": spec["not_reports_within_chars"],
        "others": {name: regex.compile(p, regex.IGNORECASE) for name, p in spec["others"].items()},
    }


class _Reader:
    """Finds signals in one document; the compact text is built once per region."""

    def __init__(self, doc: Document, opening_lines: int, compact_within: int):
        self.doc = doc
        self.compact_within = compact_within if compact_within < len(doc.text) else None
        self.opening_end = doc.lines[min(len(doc.lines), opening_lines) - 1].end if doc.lines else 0
        self._compact = {}

    def compact(self, opening: bool) -> CompactText:
        key = "opening" if opening else "all"
        if key not in self._compact:
            self._compact[key] = self.doc.compact(self.opening_end if opening else self.compact_within)
        return self._compact[key]

    def find(self, signal: Signal, within: int | None = None):
        """The evidence row of the first place a signal is found (in the first `within`
        characters, if given), or None."""
        end = self.opening_end if signal.opening_only else len(self.doc.text)
        if within is not None:
            end = min(end, within)
        if signal.compact is not None:
            # The opening first: reading the whole document spacing-blind is needed only
            # when the opening does not have it.
            text = self.compact(True)
            match = signal.compact.search(text.text)
            if not match and not signal.opening_only:
                text = self.compact(False)
                match = signal.compact.search(text.text)
            if not match:
                return None
            start, stop = text.original(match.start(), match.end())
        else:
            match = signal.pattern.search(self.doc.text, 0, end)
            if not match:
                return None
            start, stop = match.span()
        span = self.doc.span(start, stop)
        return {"group": signal.group, "signal": signal.name, "line": span.line, "page": span.page,
                "text": span.text[:120], "weight": signal.weight}

    def found(self, signals, within: int | None = None) -> list[dict]:
        return [row for row in (self.find(signal, within) for signal in signals) if row]


def _total(rows) -> int:
    return sum(row["weight"] for row in rows)


def _quoted(rows, limit=3) -> str:
    return ", ".join(f"'{row['text']}' (line {row['line']})" for row in rows[:limit])


def classify(doc: Document) -> Classification:
    rules = _rules()
    reader = _Reader(doc, rules["opening_lines"], rules["compact_within_chars"])
    publisher_signals, publisher_threshold = rules["publisher"]
    publisher = reader.found(publisher_signals)
    structure = reader.found(rules["structure"])
    by_programme = {name: reader.found(signals) for name, signals in rules["programmes"].items()}
    scores = {name: _total(rows) for name, rows in by_programme.items()}
    evidence = publisher + structure
    best = max(scores.values()) if scores else 0
    winners = [name for name, score in scores.items() if score == best]
    titled = best >= rules["min_score"] and len(winners) == 1
    shaped = _total(structure)
    area = _named_area(doc, winners[0]) if titled else None
    # A report of one service: its programme's title naming the area, and a report's shape.
    a_report = bool(area) and shaped >= rules["min_structure_without_area"]

    # A document about an inspection (a press release, minutes, an annual report) quotes
    # the report's title and the inspectorate's name: what it is decides first. A decisive
    # title (an annual report, a thematic inspection) decides even against a report's
    # shape, but not against a report of one service, whose foreword may well mention
    # "our thematic inspection of ..." or "the service's annual report".
    for kind, spec in rules["not_reports"].items():
        rows = reader.found(spec["signals"], rules["not_reports_within_chars"])
        total = _total(rows)
        if total >= spec["threshold"] and ((spec.get("decisive") and not a_report) or total > shaped):
            return Classification(None, False, f"not an inspection report: {spec['reason']} "
                                  f"(found {_quoted(rows)})", scores, evidence + rows)

    if titled:
        programme = winners[0]
        if area or shaped >= rules["min_structure_without_area"]:
            evidence = by_programme[programme] + evidence
            how = "its title" + (f" naming {area}" if area else "") + (
                " and the inspectorate's name" if _total(publisher) >= publisher_threshold else "")
            return Classification(programme, True, f"classified {programme} (score {best}) by {how}", scores, evidence)
        return Classification(None, False,
                              f"not an inspection report: it names the {programme} programme "
                              f"({_quoted(by_programme[programme], 1)}) but no inspected area follows its title "
                              f"and it has little of a report's structure (foreword, contents, ISBN, lead inspector: "
                              f"score {shaped}){_looks_like(doc, rules)}", scores, by_programme[programme] + evidence)

    youth = reader.found(rules["youth"])
    if _total(publisher) >= publisher_threshold and youth and shaped >= rules["youth_min_structure"]:
        evidence = evidence + youth + [row for rows in by_programme.values() for row in rows]
        ambiguity = f"; programmes tied at {best}: {', '.join(winners)}" if best >= rules["min_score"] else ""
        return Classification("unknown", True,
                              "an HM Inspectorate of Probation youth report, but its programme was not "
                              f"recognised (signature scores {scores}{ambiguity})", scores, evidence)

    missing = []
    if _total(publisher) >= publisher_threshold and youth:
        missing.append(f"it has little of a report's structure (score {shaped})")
    if _total(publisher) < publisher_threshold:
        missing.append("it never names HM Inspectorate of Probation (its name, HMI Probation, "
                       "Arolygiaeth Prawf EM, its ISBN prefix)")
    if not youth:
        missing.append("its opening never mentions youth offending or youth justice work")
    missing.append("it has no youth inspection programme's title")
    found = f" (found only {_quoted(publisher + youth)})" if publisher or youth else ""
    # Another inspectorate named in a document the inspectorate published is a mention, not its author.
    looks_like = _looks_like(doc, rules) if _total(publisher) < publisher_threshold else ""
    return Classification(None, False,
                          "not an HM Inspectorate of Probation youth offending inspection report: "
                          f"{' and '.join(missing)}{found}{looks_like}", scores, evidence + youth)


def _looks_like(doc: Document, rules: dict) -> str:
    others = [name for name, pattern in rules["others"].items() if pattern.search(doc.text)]
    return f"; it looks like a report of {others[0]}" if others else ""


def _named_area(doc: Document, programme: str) -> str | None:
    """The area the programme's title names, if any (a report's cover names one)."""
    from .metadata import find_title  # metadata reads the registry; imported when needed

    title = find_title(doc, programme)
    return title["area_value"] if title else None
