"""Themes shared across frameworks, and the crosswalk from each framework's codes to them."""

from __future__ import annotations

from functools import lru_cache

import regex

from ..models import load_model

# --- themes -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _themes_model() -> dict:
    return load_model("themes.yml")


def theme_names() -> list[str]:
    return list(_themes_model()["themes"])


@lru_cache(maxsize=None)
def programme_codes(programme: str) -> dict:
    """code -> mapping for a programme, with `inherits`/`replaces` applied."""
    spec = _themes_model()["programmes"].get(programme)
    if not spec:
        return {}
    codes = {}
    if spec.get("inherits"):
        replaced = [str(code) for code in spec.get("replaces", [])]
        codes = {code: mapping for code, mapping in programme_codes(spec["inherits"]).items()
                 if not any(code == r or code.startswith(r + ".") for r in replaced)}
    codes.update({str(code): mapping for code, mapping in (spec.get("codes") or {}).items()})
    codes.update({str(code): mapping for code, mapping in (spec.get("extra_codes") or {}).items()})
    return codes


def _clean_code(code) -> str:
    # "2.1." and "1.3c" (a CCI sub-criterion) are the codes "2.1" and "1.3".
    text = str(code or "").strip().rstrip(".").strip()
    match = regex.fullmatch(r"(\d+(?:\.\d+)*)\.?[a-z]", text)
    return match.group(1) if match else text


def mapping_for(programme: str, code) -> dict | None:
    """The crosswalk entry for a code, trying its parent codes (`2.5` -> `2`)."""
    codes = programme_codes(programme)
    code = _clean_code(code)
    while code:
        if code in codes:
            return codes[code]
        if "." not in code:
            return None
        code = code.rsplit(".", 1)[0]
    return None


def theme_for(programme: str, code) -> str | None:
    mapping = mapping_for(programme, code)
    return mapping["theme"] if mapping else None


def stage_for(programme: str, code) -> tuple:
    mapping = mapping_for(programme, code)
    return tuple(mapping.get("stage") or ()) if mapping else ()


def theme_for_heading(programme: str, heading: str | None) -> str | None:
    """A section heading as printed ("2. Protecting the public") -> its theme."""
    headings = (_themes_model()["programmes"].get(programme) or {}).get("headings") or {}
    key = " ".join(regex.sub(r"^[\d.\s]+", "", heading or "").lower().split())
    code = headings.get(key)
    return theme_for(programme, code) if code else None


def _keyword_pattern(keyword: str):
    # `reoffend*` is a prefix; anything else a whole word or phrase.
    stem, prefix = (keyword[:-1], True) if keyword.endswith("*") else (keyword, False)
    body = r"\s+".join(regex.escape(part) for part in stem.split())
    end = "" if prefix else r"(?!\w)"
    return regex.compile(r"(?<!\w)" + body + end, regex.IGNORECASE)


@lru_cache(maxsize=1)
def _keyword_patterns() -> dict:
    return {theme: [_keyword_pattern(k) for k in spec.get("keywords", [])]
            for theme, spec in _themes_model()["themes"].items()}


def theme_for_text(text: str | None, among=None) -> str | None:
    """The theme whose keywords (models/themes.yml) occur most often in a text; ties go
    to the theme listed first; None when no keyword occurs."""
    best, best_hits = None, 0
    for theme, patterns in _keyword_patterns().items():
        if among is not None and theme not in among:
            continue
        hits = sum(len(p.findall(text or "")) for p in patterns)
        if hits > best_hits:
            best, best_hits = theme, hits
    return best


_CODE_IN_HEADING = regex.compile(r"(?<![\d.])(\d+\.\d+(?:\.\d+)?[a-z]?)(?!\d)")


def _code_in(heading: str | None) -> str | None:
    # CCI good-practice boxes sit under "... General Criterion: 1.3c".
    match = _CODE_IN_HEADING.search(heading or "")
    return match.group(1) if match else None


def theme_for_finding(programme: str, section, heading=None, text=None) -> str | None:
    """A finding's theme: its section code's, else its heading's (as a named heading or
    a code it contains), else its words'. Under a stage-only theme (case_management)
    the words pick the purpose where they name one."""
    theme = (theme_for(programme, section) or theme_for_heading(programme, heading)
             or theme_for_heading(programme, section) or theme_for(programme, _code_in(heading)))
    if theme is None:
        return theme_for_text(text)
    refine = _themes_model()["themes"][theme].get("refine_with")
    if refine:
        return theme_for_text(text, among=refine) or theme
    return theme


def crosswalk_rows() -> list[dict]:
    """One row per (programme, code) in models/themes.yml, for a `theme_crosswalk` table."""
    rows = []
    for programme in _themes_model()["programmes"]:
        for code, mapping in programme_codes(programme).items():
            rows.append({"programme": programme, "code": code, "label": mapping.get("label"),
                         "theme": mapping["theme"], "stage": ",".join(mapping.get("stage") or []) or None,
                         "comparability": mapping.get("comparability"), "note": mapping.get("note")})
    return rows


def theme_rows() -> list[dict]:
    return [{"id": theme, "label": spec["label"], "description": spec["description"],
             "keywords": ", ".join(spec.get("keywords", []))}
            for theme, spec in _themes_model()["themes"].items()]


LINK_TABLES = {
    "themes": {
        "description": "Shared themes across the inspection programmes (models/themes.yml).",
        "pk": "id",
        "columns": [
            ("id", str, "Theme, as used in the `theme` columns"),
            ("label", str, "Name"),
            ("description", str, "What it covers and its names in each framework"),
            ("keywords", str, "Words that assign a finding without a themed section to it (prefix* matches a stem)"),
        ],
    },
    "theme_crosswalk": {
        "description": "Each framework code's theme, stage and how comparable it is across frameworks (models/themes.yml).",
        "pk": ("programme", "code"),
        "columns": [
            ("programme", str, "`CCI`, `SQS`, `FJI`, `YOS-2018`, `YJS-2021` or `YJS-2025`"),
            ("code", str, "Score, section, standard or key-question code (SQS: the domain number)"),
            ("label", str, "What the code judges"),
            ("theme", str, "→ themes.id"),
            ("stage", str, "Stage(s) of case work: assessment, planning, implementation, reviewing, outcomes"),
            ("comparability", str, "`close`, `partial`, `weak` or `none`"),
            ("note", str, "What it is comparable with, and how the measures differ"),
        ],
    },
}
