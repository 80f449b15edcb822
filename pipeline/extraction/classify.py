"""Decide which inspection programme a document belongs to, from its titles and structure.

The signatures live in `models/programmes.yml`; the decision keeps the lines that
matched, so a reader can see why a report was put in a programme (or rejected).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from ..reading.document import Document
from ..models import load_model

PROGRAMMES = ("CCI", "SQS", "FJI", "YOS-2018", "YJS-2021", "YJS-2025")


@dataclass
class Classification:
    programme: str | None  # one of PROGRAMMES, "unknown", or None when rejected
    accepted: bool
    reason: str
    scores: dict = field(default_factory=dict)
    evidence: list = field(default_factory=list)  # [{"programme", "pattern", "line", "page", "text"}]

    @property
    def evidence_text(self) -> str:
        return "; ".join(f"{e['programme']}: '{e['text']}' (line {e['line']})" for e in self.evidence)


def _compile(pattern: str):
    return regex.compile(pattern, regex.IGNORECASE | regex.MULTILINE)


def classify(doc: Document) -> Classification:
    rules = load_model("programmes.yml")
    gate = rules["gate"]
    text = doc.text
    missing = []
    if not _compile(gate["inspectorate"]).search(text):
        missing.append("never names HM Inspectorate of Probation")
    if not _compile(gate["youth"]).search(text):
        missing.append("never mentions youth offending or youth justice work")
    if missing:
        others = [name for name, pattern in gate["others"].items() if _compile(pattern).search(text)]
        looks_like = f"; it looks like a report of {others[0]}" if others else ""
        return Classification(None, False,
                              "not an HM Inspectorate of Probation youth offending inspection report: "
                              f"it {' and '.join(missing)}{looks_like}")

    title_end = doc.lines[min(len(doc.lines), rules["title_lines"]) - 1].end if doc.lines else 0
    scores, evidence = {}, []
    for programme, spec in rules["programmes"].items():
        total = 0
        for signature in spec["signatures"]:
            match = _compile(signature["pattern"]).search(text, 0, title_end if signature.get("title") else len(text))
            if match:
                total += signature["weight"]
                span = doc.span(match.start(), match.end())
                evidence.append({"programme": programme, "pattern": signature["pattern"],
                                 "line": span.line, "page": span.page, "text": span.text})
        scores[programme] = total
    best = max(scores.values())
    winners = [p for p, s in scores.items() if s == best]
    if best < 6 or len(winners) > 1:
        return Classification("unknown", True,
                              "an HM Inspectorate of Probation youth report, but its programme was not recognised "
                              f"(signature scores {scores})", scores, evidence)
    programme = winners[0]
    evidence = [e for e in evidence if e["programme"] == programme]
    return Classification(programme, True, f"classified {programme} (score {best})", scores, evidence)
