"""Dates as the reports print them → ISO 8601 strings, only as precise as printed."""

from __future__ import annotations

import regex

MONTHS = {name: number for number, names in enumerate([
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")], start=1) for name in names}
# Welsh editions of reports on Welsh services print Welsh month names.
WELSH_MONTHS = ("ionawr", "chwefror", "mawrth", "ebrill", "mai", "mehefin", "gorffennaf", "awst", "medi",
                "hydref", "tachwedd", "rhagfyr")
MONTHS.update({name: number for number, name in enumerate(WELSH_MONTHS, start=1)})

# Any month name above, longest first (to be compiled case-insensitively); also the
# `{MONTH}` of models/metadata.yml's patterns.
MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
YEAR = r"(?:19|20)\d{2}"
RANGE_SEP = r"\s*(?:-|to|until|and)\s*"

DAY_RANGE = regex.compile(
    rf"(?P<d1>{DAY})(?:\s+(?P<m1>{MONTH}))?(?:\s+(?P<y1>{YEAR}))?{RANGE_SEP}(?P<d2>{DAY})\s+(?P<m2>{MONTH}),?\s+(?P<y2>{YEAR})",
    regex.IGNORECASE)
FULL_DATE = regex.compile(rf"(?P<d>{DAY})(?:\s+of)?\s+(?P<m>{MONTH}),?\s+(?P<y>{YEAR})", regex.IGNORECASE)
MONTH_YEAR = regex.compile(rf"(?P<m>{MONTH}),?\s+(?P<y>{YEAR})", regex.IGNORECASE)
MONTH_RANGE = regex.compile(rf"(?P<m1>{MONTH})(?:\s+(?P<y1>{YEAR}))?{RANGE_SEP}(?P<m2>{MONTH}),?\s+(?P<y2>{YEAR})", regex.IGNORECASE)


def month_number(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _day(text: str) -> int:
    return int(regex.match(r"\d+", text).group(0))


def _iso(year, month, day=None) -> str | None:
    year, month = int(year), int(month)
    if day is None:
        return f"{year:04d}-{month:02d}"
    day = int(day)
    if not 1 <= day <= 31:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_date(text: str) -> str | None:
    """'12th June 2013' → '2013-06-12'; 'August 2011' → '2011-08'; None when no date."""
    text = " ".join(text.split())
    if match := FULL_DATE.search(text):
        return _iso(match["y"], month_number(match["m"]), _day(match["d"]))
    if match := MONTH_YEAR.search(text):
        return _iso(match["y"], month_number(match["m"]))
    return None


def parse_range(text: str) -> tuple[str | None, str | None]:
    """'13th-15th May 2013' → ('2013-05-13', '2013-05-15'); '30 April - 2 May 2014' crosses months;
    'May 2011' → ('2011-05', '2011-05'); 'May to June 2011' → ('2011-05', '2011-06')."""
    text = " ".join(text.split())
    if match := DAY_RANGE.search(text):
        y2, m2 = match["y2"], month_number(match["m2"])
        m1 = month_number(match["m1"]) if match["m1"] else m2
        y1 = match["y1"] or (int(y2) - 1 if m1 > m2 else y2)
        return _iso(y1, m1, _day(match["d1"])), _iso(y2, m2, _day(match["d2"]))
    if match := FULL_DATE.search(text):
        day = _iso(match["y"], month_number(match["m"]), _day(match["d"]))
        return day, day
    if match := MONTH_RANGE.search(text):
        m1, m2 = month_number(match["m1"]), month_number(match["m2"])
        y1 = match["y1"] or (int(match["y2"]) - 1 if m1 > m2 else match["y2"])
        return _iso(y1, m1), _iso(match["y2"], m2)
    if match := MONTH_YEAR.search(text):
        month = _iso(match["y"], month_number(match["m"]))
        return month, month
    return None, None
