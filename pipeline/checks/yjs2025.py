"""Checks of a YJS-2025 report: the programme's published rules where they were found, and
always the internal ones.

Published (models/frameworks.yml `YJS-2025`, with sources): the bounds of the children's
and victims' case samples. Not found in public sources, so not checked: how case judgements
become ratings, and ratings the overall rating (`key_question_bands`, `overall_bands` null).
Internal: the overall rating and each element's rating printed alike wherever the report
states them; a "% yes" achievable as k/n within its sample, and agreeing with a printed count;
each sample's size stated alike. Each check returns a `validations` row; nothing is changed.
"""

from __future__ import annotations

from .standards import check, fraction_for, sample_sizes_printed_alike


def validate(fw, doc, *, statements, overall, judgements, sample_statements, recommendations,
             has_recommendations) -> list:
    samples = {}
    for kind, n, _ in sample_statements:
        samples.setdefault(kind, n)
    return [
        *overall_printed_alike(doc, overall),
        *areas_rated(fw, statements),
        *ratings_printed_alike(fw, doc, statements),
        *percentages_achievable(fw, doc, judgements, samples),
        *counts_agree(fw, doc, judgements, samples),
        *sample_sizes_printed_alike(fw, sample_statements, require=False),
        *samples_within_published_bounds(fw, samples, sample_statements),
        *([check("recommendations_found", "numbered or bulleted recommendations under 'Recommendations'",
                 str(len(recommendations)), bool(recommendations),
                 f"{len(recommendations)} recommendations read" if recommendations else
                 "a Recommendations heading with no item under it: the list's layout was not read")]
          if has_recommendations else []),
    ]


def _quote(doc, statement) -> str:
    return doc.span(statement.start, statement.end).text[:160]


def overall_printed_alike(doc, overall: list) -> list:
    words = sorted({s.rating for s in overall if s.rating})
    problems = (["no overall rating is printed (a partial copy, or a wording not yet known)"] if not overall else []) + \
        ([f"the statements disagree: {', '.join(words)}"] if len(words) > 1 else [])
    return [check("overall_rating_printed_alike", "the same overall rating wherever the report states it",
                  "; ".join(f"{s.source}: {s.printed}" for s in overall) or "none", not problems,
                  "; ".join(problems) or " | ".join(_quote(doc, s) for s in overall))]


def areas_rated(fw, statements: list) -> list:
    """Both rated areas have a rating: a report whose copy stops at the foreword (or whose
    ratings are laid out in a way not yet known) fails this, and says so."""
    rows = []
    for area in fw.areas:
        rated = [s for s in statements if s.code == area.code and s.rating]
        rows.append(check("area_rating_found", f"{area.code} {area.name}: a rating word",
                          rated[0].rating if rated else "none", bool(rated),
                          f"{len(rated)} statement(s) of the rating" if rated else
                          f"no rating of '{area.name}' was found: the copy may end before the ratings, or print "
                          "them in a layout the extractor does not read"))
    return rows


def ratings_printed_alike(fw, doc, statements: list) -> list:
    rows = []
    for element in fw.elements:
        printed = [s for s in statements if s.code == element.code]
        if len(printed) < 2:
            continue  # printed once (or not at all): nothing to compare
        words = sorted({s.rating for s in printed if s.rating})
        rows.append(check("rating_printed_alike", f"{element.code}: one rating word wherever it is printed",
                          "; ".join(f"{s.source}: {s.printed}" for s in printed), len(words) == 1,
                          " | ".join(_quote(doc, s) for s in printed) if len(words) == 1 else
                          f"the report prints {', '.join(words)} for {element.code}, so the stored rating may be wrong"))
    return rows


def percentages_achievable(fw, doc, judgements: list, samples: dict) -> list:
    """A "% yes" is k cases out of n, n at most the sample: a value no such k/n gives was misread."""
    rows = []
    for j in judgements:
        if j.percent_yes is None:
            continue
        n_max = j.denominator or samples.get(j.sample)
        if j.sample is None or not n_max:
            rows.append(check("percent_yes_achievable", f"{j.code}: k/n within a stated sample", f"{j.percent_yes:g}%",
                              False, f"no {(j.sample or 'sample').replace('_', ' ')} size was found, so {j.code}'s "
                                     "% yes was not checked"))
            continue
        if j.percent_yes > 100:
            witness = None
        else:
            witness = fraction_for(j.percent_yes, n_max, fw.percent_tolerance)
        rows.append(check("percent_yes_achievable",
                          f"{j.code}: k/n with n <= {n_max} ({'its printed count' if j.denominator else j.sample}),"
                          f" within {fw.percent_tolerance:g} points",
                          f"{j.code}: {j.percent_yes:g}%" + (f" = {witness[0]}/{witness[1]}" if witness else ""),
                          witness is not None,
                          doc.span(j.start, j.end).text[-120:] if witness else
                          f"no k/n with n <= {n_max} rounds to {j.percent_yes:g}%: the percentage was misread or misprinted"))
    return rows


def counts_agree(fw, doc, judgements: list, samples: dict) -> list:
    """A printed case count: k <= n, n within the sample, and k/n rounding to the printed %."""
    rows = []
    for j in judgements:
        if j.count is None:
            continue
        problems = []
        if j.count > j.denominator:
            problems.append(f"{j.count} of {j.denominator} is more than all of them")
        if j.sample and samples.get(j.sample) and j.denominator > samples[j.sample]:
            problems.append(f"{j.denominator} cases, more than the {samples[j.sample]} of the {j.sample.replace('_', ' ')} sample")
        if j.percent_yes is not None and j.denominator and \
                abs(100 * j.count / j.denominator - j.percent_yes) > fw.percent_tolerance + 1e-9:
            problems.append(f"{j.count}/{j.denominator} is {100 * j.count / j.denominator:.1f}%, not {j.percent_yes:g}%")
        rows.append(check("case_count_consistent", f"{j.code}: k <= n <= the sample, and k/n as the printed %",
                          f"{j.code}: {j.count}/{j.denominator}" + (f", {j.percent_yes:g}%" if j.percent_yes is not None else ""),
                          not problems, "; ".join(problems) or doc.span(j.start, j.end).text[-120:]))
    return rows


def samples_within_published_bounds(fw, samples: dict, statements: list) -> list:
    """The programme's published sample sizes (models/frameworks.yml `sample_bounds`)."""
    rows = []
    for kind, bounds in fw.sample_bounds.items():
        if kind not in samples:
            continue
        n = samples[kind]
        evidence = next(prov["evidence"] for k, _, prov in statements if k == kind)
        ok = bounds["min"] <= n <= bounds["max"]
        rows.append(check("sample_within_published_bounds",
                          f"{kind.replace('_', ' ')}: {bounds['min']} to {bounds['max']} (the inspectorate's published sample sizes)",
                          str(n), ok, evidence if ok else
                          f"{evidence}: outside the published sizes, so the number was misread or the report is not of this programme"))
    return rows
