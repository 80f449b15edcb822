"""Checks of a standards-and-ratings report against the inspectorate's own rules.

The rules and thresholds are data in models/frameworks.yml (read through the
`Framework` the extractor passes in). Each check returns `validations` rows
(rule, expected, found, passed, evidence); a failure says what is wrong in words a
reader can act on. No extracted value is ever changed here.
"""

from __future__ import annotations

from ..reading.compact import compact


def check(rule: str, expected: str, found: str, passed: bool, evidence: str) -> dict:
    return {"rule": rule, "expected": expected, "found": found, "passed": int(bool(passed)), "evidence": evidence}


def validate(fw, doc, *, printed, ratings, questions, overall, overall_statements, sample_statements,
             recommendations, stated_recommendations, unreadable_facts) -> list:
    samples = {}
    for kind, n, _ in sample_statements:
        samples.setdefault(kind, n)
    return [
        *ratings_printed_alike(fw, doc, printed),
        *names_match_framework(fw, printed),
        *key_questions_complete(fw, questions),
        *ratings_follow_lowest_key_question(fw, ratings, questions),
        *percentages_achievable(fw, doc, questions, samples),
        *overall_follows_scores(fw, ratings, overall),
        *overall_printed_alike(overall_statements),
        *sample_sizes_printed_alike(fw, sample_statements),
        *recommendations_in_order(recommendations, stated_recommendations),
        *[check("context_facts_readable", "each contextual-facts group in its usual layout", group, False,
                f"the values of {group} are not laid out as expected, so they were not stored")
          for group in unreadable_facts],
    ]


def ratings_printed_alike(fw, doc, printed: dict) -> list:
    """Each standard's rating is printed in the summary, its section heading and the annex: all must agree."""
    rows = []
    for standard in fw.standards:
        problems, found, evidence = [], [], []
        for source, rows_by_code in printed.items():
            row = rows_by_code.get(standard.code)
            if row is None:
                problems.append(f"the {source} has no row for {standard.code}")
                found.append(f"{source}: missing")
                continue
            found.append(f"{source}: {row.cell or 'no rating'}")
            evidence.append(doc.span(row.start, row.end).text[:160])
            if not row.rating:
                problems.append(f"the {source} prints {row.cell!r} for {standard.code}, which is not a rating word"
                                if row.cell else f"the {source} row for {standard.code} has no rating")
        words = {r.rating for r in (rows_by_code.get(standard.code) for rows_by_code in printed.values()) if r and r.rating}
        if len(words) > 1:
            problems.append(f"the sources disagree ({', '.join(sorted(words))}), so the stored rating may be wrong")
        rows.append(check("standard_rating_printed_alike",
                          f"{standard.code}: one rating word, the same in the {', '.join(printed)}",
                          "; ".join(found), not problems, "; ".join(problems) or " | ".join(evidence)))
    return rows


def names_match_framework(fw, printed: dict) -> list:
    summary = next(iter(printed.values()), {})
    mismatched = [f"{code} {row.name!r} (framework: {standard.name!r})"
                  for standard in fw.standards if (row := summary.get(code := standard.code))
                  and compact(row.name) != compact(standard.name)]  # spacing-blind, as the extractor reads it
    return [check("standard_names_match_framework", f"the {fw.programme} standard names of models/frameworks.yml",
                  "; ".join(mismatched) or "all match", not mismatched,
                  "a different name suggests the report follows another framework (or was misclassified)"
                  if mismatched else f"{len(summary)} standards in the summary of ratings")]


def key_questions_complete(fw, questions: list) -> list:
    """Every key question of the framework is present once, and case-level ones have a % yes."""
    rows = []
    for standard in fw.standards:
        found = [q for q in questions if q.standard == standard.code]
        codes = [q.code for q in found]
        if standard.key_questions is None and not standard.sample:
            continue  # a count not yet known for a policy standard: nothing to check against
        problems = []
        if standard.key_questions is not None:
            wanted = [f"{standard.code}.{i}" for i in range(1, standard.key_questions + 1)]
            problems += [f"{code} is missing" for code in wanted if code not in codes]
            problems += [f"{code} is not in the framework" for code in dict.fromkeys(codes) if code not in wanted]
        elif not found:
            problems.append(f"no key questions found for {standard.code}")
        problems += [f"{code} appears {codes.count(code)} times" for code in dict.fromkeys(codes) if codes.count(code) > 1]
        if standard.sample:
            problems += [f"{q.code} has no % yes" for q in found if q.percent_yes is None]
        expected = (f"{standard.code}: key questions {standard.code}.1-{standard.code}.{standard.key_questions}"
                    if standard.key_questions else f"{standard.code}: its key questions")
        rows.append(check("key_questions_complete", expected + (", each with a % yes" if standard.sample else ""),
                          ", ".join(codes) or "none", not problems,
                          "; ".join(problems) or "annex table of inspection results"))
    return rows


def band_of(percent: float | None, bands: list) -> str | None:
    """The rating a key question's % yes falls in (models/frameworks.yml: key_question_bands)."""
    if percent is None:
        return None
    return next((band["rating"] for band in bands if percent >= band["min"]), None)


def ratings_follow_lowest_key_question(fw, ratings: list, questions: list) -> list:
    """Methodology: a case-level standard's rating is the band of its lowest key question."""
    rows = []
    rated = {row["code"]: row["rating"] for row in ratings}
    for standard in (s for s in fw.standards if s.sample):
        scored = [q for q in questions if q.standard == standard.code and q.percent_yes is not None]
        rating = rated.get(standard.code)
        if not scored or not rating:
            rows.append(check("standard_rating_from_lowest_key_question",
                              f"{standard.code}: the band of its lowest key question",
                              f"{standard.code}: {rating or 'no rating'}", False,
                              f"cannot check {standard.code}: " + ("no key question with a % yes was read"
                                                                   if not scored else "no rating word was read")))
            continue
        lowest = min(scored, key=lambda q: q.percent_yes)
        band = band_of(lowest.percent_yes, fw.key_question_bands)
        rows.append(check("standard_rating_from_lowest_key_question",
                          f"{standard.code}: {band} (lowest key question {lowest.code} at {lowest.percent_yes:g}%)",
                          f"{standard.code}: {rating}", band == rating,
                          ", ".join(f"{q.code} {q.percent_yes:g}%" for q in scored) +
                          ("" if band == rating else f"; the printed rating {rating!r} does not follow from these "
                                                     f"percentages, so a rating or a percentage was misread or misprinted")))
    return rows


def fraction_for(percent: float, largest: int, tolerance: float):
    """A k/n (n <= largest) that rounds to the printed percentage, preferring large n; or None."""
    for n in range(largest, 0, -1):
        k = round(percent * n / 100)
        if 0 <= k <= n and abs(100 * k / n - percent) <= tolerance + 1e-9:
            return k, n
    return None


def percentages_achievable(fw, doc, questions: list, samples: dict) -> list:
    """A % yes is k cases out of n, n at most the sample: a value no such k/n gives was misread."""
    rows, case_level = [], {s.code: s.sample for s in fw.standards if s.sample}
    for kind in sorted(set(case_level.values()) - set(samples)):
        rows.append(check("percent_yes_achievable", f"a stated {kind} sample size", "none", False,
                          f"no statement of the {kind.replace('_', '-')} sample size was found, so its % yes "
                          f"values were not checked"))
    for q in questions:
        kind = case_level.get(q.standard)
        if kind not in samples or q.percent_yes is None:
            continue
        witness = fraction_for(q.percent_yes, samples[kind], fw.percent_tolerance)
        rows.append(check("percent_yes_achievable",
                          f"{q.code}: k/n with n <= {samples[kind]} ({kind} sample), within {fw.percent_tolerance:g} points",
                          f"{q.code}: {q.percent_yes:g}%" + (f" = {witness[0]}/{witness[1]}" if witness else ""),
                          witness is not None,
                          doc.span(q.start, q.end).text[-120:] if witness else
                          f"no k/n with n <= {samples[kind]} rounds to {q.percent_yes:g}%: "
                          "the percentage was misread or misprinted"))
    return rows


def overall_follows_scores(fw, ratings: list, overall: str | None) -> list:
    """Methodology: the overall rating is the band of the summed scores of the standards that count."""
    scores = {row["code"]: row["score"] for row in ratings}
    counted = [s for s in fw.standards if s.counts_towards_overall]
    excluded = [s.code for s in fw.standards if not s.counts_towards_overall]
    missing = [s.code for s in counted if scores.get(s.code) is None]
    note = f"; excluded from the sum by the {fw.programme} framework: {', '.join(excluded)}" if excluded else ""
    if missing:
        return [check("overall_rating_from_standard_scores", f"the band of the sum of {len(counted)} standard scores",
                      overall or "none", False, f"cannot add up the scores: no rating read for {', '.join(missing)}{note}")]
    total = sum(scores[s.code] for s in counted)
    band = next((b["rating"] for b in fw.overall_bands if b["min"] <= total <= b["max"]), None)
    return [check("overall_rating_from_standard_scores", f"{band} (sum of {len(counted)} standard scores = {total})",
                  overall or "none", band == overall,
                  ", ".join(f"{s.code}={scores[s.code]}" for s in counted) + note +
                  ("" if band == overall else "; the printed overall rating does not follow from the standard ratings"))]


def overall_printed_alike(statements: list) -> list:
    words = {word for _, _, word, _ in statements if word}
    unreadable = [printed for _, printed, word, _ in statements if not word]
    problems = (["no overall rating is printed"] if not statements else []) + \
        [f"{printed!r} is not a rating word" for printed in unreadable] + \
        ([f"the statements disagree: {', '.join(sorted(words))}"] if len(words) > 1 else [])
    return [check("overall_rating_printed_alike", "the same overall rating wherever the report states it",
                  "; ".join(f"{source}: {printed}" for source, printed, _, _ in statements) or "none",
                  not problems, "; ".join(problems) or " | ".join(prov["evidence"] for *_, prov in statements))]


def sample_sizes_printed_alike(fw, statements: list, *, require: bool = True) -> list:
    """One size per sample wherever it is stated; `require`: a sample never stated fails
    (a 2025 report's web page may state only some of its samples: not required there)."""
    rows = []
    for kind in fw.sample_statements:
        values = [(n, prov) for k, n, prov in statements if k == kind]
        if not values and not require:
            continue
        distinct = sorted({n for n, _ in values})
        problem = ("no statement of this sample's size was found" if not values else
                   f"the report states different sizes: {', '.join(map(str, distinct))}" if len(distinct) > 1 else "")
        rows.append(check("sample_size_printed_alike", f"one {kind} sample size wherever it is stated",
                          ", ".join(map(str, distinct)) or "none", not problem,
                          problem or " | ".join(prov["evidence"] for _, prov in values)))
    return rows


def recommendations_in_order(recommendations: list, stated) -> list:
    numbers = [r["number"] for r in recommendations]
    rows = [check("recommendations_numbered_in_order", "recommendations numbered 1, 2, 3 ... without gaps",
                  ", ".join(map(str, numbers)) or "none", numbers == list(range(1, len(numbers) + 1)) and numbers,
                  "no numbered recommendations were found" if not numbers else
                  "numbers in the order printed" + ("" if numbers == list(range(1, len(numbers) + 1))
                                                   else ": a number is missing, repeated or out of order"))]
    if stated:
        count, text = stated
        rows.append(check("recommendation_count_as_stated", f"{count} (as stated)", str(len(numbers)),
                          count == len(numbers), text if count == len(numbers) else
                          f"{text}, but {len(numbers)} numbered recommendations were read"))
    return rows
