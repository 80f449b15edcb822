"""Small charts drawn on the server as inline SVG: they need no JavaScript, no request
of their own, and scale with the page (a viewBox and `width: 100%`).

Every label is escaped (markupsafe), and every mark carries a <title>, which browsers
show on hover, with the value in words.
"""

from __future__ import annotations

from markupsafe import Markup, escape

# The measure of each kind of mark on the service page (shape -> colour).
KIND_COLOURS = {"circle": "#1f5fa8", "square": "#7b3fa0", "range": "#c25a00"}
# One colour a service on the compare page (colour-blind safe: Okabe-Ito).
SERIES_COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#555555"]

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 30, 10, 8, 22


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _pct(value) -> str:
    if value is None:
        return "not printed"
    return f"{value:g}%"


def headline_scale(percent, lowest, average, highest, label: str) -> Markup:
    """A 0-100 scale: the programme's range (lowest to highest of all areas inspected to date)
    as a band, its average as a tick, and this area's score as a marker."""
    x0, x1 = 14, 286

    def x(value: float) -> float:
        return x0 + (x1 - x0) * max(0.0, min(100.0, value)) / 100

    title = (f"{label}: {_pct(percent)} (all areas inspected to date: lowest {_pct(lowest)}, "
             f"average {_pct(average)}, highest {_pct(highest)})")
    parts = [Markup('<svg class="scale" viewBox="0 0 300 46" role="img" aria-label="{}">'
                    '<title>{}</title>').format(title, title),
             Markup('<line x1="{}" x2="{}" y1="20" y2="20" class="axis"/>').format(x0, x1)]
    for tick in (0, 50, 100):
        parts.append(Markup('<line x1="{0}" x2="{0}" y1="16" y2="24" class="axis"/>'
                            '<text x="{0}" y="40" text-anchor="middle" class="tick">{1}%</text>').format(_f(x(tick)), tick))
    if lowest is not None and highest is not None:
        parts.append(Markup('<rect x="{}" y="13" width="{}" height="14" class="range"><title>lowest {} to highest {}'
                            '</title></rect>').format(_f(x(lowest)), _f(max(1.0, x(highest) - x(lowest))),
                                                     _pct(lowest), _pct(highest)))
    if average is not None:
        parts.append(Markup('<line x1="{0}" x2="{0}" y1="9" y2="31" class="average"><title>average {1}</title>'
                            '</line>').format(_f(x(average)), _pct(average)))
    if percent is not None:
        parts.append(Markup('<path d="M{0} 10 L{1} 20 L{0} 30 L{2} 20 Z" class="score"><title>{3}</title></path>')
                     .format(_f(x(percent)), _f(x(percent) + 7), _f(x(percent) - 7), f"{label}: {_pct(percent)}"))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def year_domain(xs: list[float]) -> tuple[int, int]:
    """Whole years around the dates drawn (at least three years wide)."""
    if not xs:
        return 2009, 2026
    low, high = int(min(xs)), int(max(xs)) + 1
    while high - low < 3:
        low, high = low - 1, high + 1
    return low, high


def measure_chart(points: list[dict], domain: tuple[int, int], title: str) -> Markup:
    """Percent measures (0-100) over time: `circle` and `square` marks at `y`, `range` marks
    as a bar from `low` to `high`; each point has x (decimal year), colour and label."""
    x_low, x_high = domain
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(value: float) -> float:
        return LEFT + plot_w * (value - x_low) / (x_high - x_low)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - max(0.0, min(100.0, value)) / 100)

    parts = [Markup('<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>')
             .format(WIDTH, HEIGHT, title, title)]
    for value in (0, 25, 50, 75, 100):
        parts.append(Markup('<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" class="{3}"/>')
                     .format(LEFT, WIDTH - RIGHT, _f(y(value)), "axis" if value == 0 else "grid"))
        if value % 50 == 0:
            parts.append(Markup('<text x="{}" y="{}" text-anchor="end" class="tick">{}%</text>')
                         .format(LEFT - 4, _f(y(value) + 3), value))
    span = x_high - x_low
    step = 1 if span <= 8 else 2 if span <= 16 else 5
    for year in range(x_low, x_high + 1):
        if year % step:
            continue
        parts.append(Markup('<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" class="axis"/>'
                            '<text x="{0}" y="{3}" text-anchor="middle" class="tick">{4}</text>')
                     .format(_f(x(year)), _f(HEIGHT - BOTTOM), _f(HEIGHT - BOTTOM + 4), HEIGHT - 6, year))
    # Marks at one date are nudged apart, so a CCI score and a findings interval do not hide
    # each other. Built with plain strings (Markup.format is ten times slower), every text escaped.
    seen: dict[float, int] = {}
    marks = []
    for point in _merged(points):
        slot = seen.get(round(point["x"], 2), 0)
        seen[round(point["x"], 2)] = slot + 1
        cx = x(point["x"]) + ((slot % 9 + 1) // 2) * 5 * (1 if slot % 2 else -1)
        label, colour = escape(point["label"]), escape(point["colour"])
        if point["shape"] == "range":
            top, bottom = y(point["high"]), y(point["low"])
            marks.append(f'<g class="mark"><title>{label}</title><line x1="{_f(cx)}" x2="{_f(cx)}" y1="{_f(top)}" '
                         f'y2="{_f(max(bottom, top + 1))}" stroke="{colour}" stroke-width="4" stroke-linecap="round"/></g>')
        elif point["shape"] == "square":
            marks.append(f'<g class="mark"><title>{label}</title><rect x="{_f(cx - 4)}" y="{_f(y(point["y"]) - 4)}" '
                         f'width="8" height="8" fill="{colour}"/></g>')
        else:
            marks.append(f'<g class="mark"><title>{label}</title><circle cx="{_f(cx)}" cy="{_f(y(point["y"]))}" '
                         f'r="4.5" fill="{colour}"/></g>')
    parts.append(Markup("".join(marks)))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _merged(points: list[dict]) -> list[dict]:
    """Marks that would be drawn on top of each other (same date, shape, value and colour)
    drawn once, their labels joined: a mark per report would only hide the ones beneath."""
    merged: dict[tuple, dict] = {}
    for point in points:
        key = (round(point["x"], 2), point["shape"], point["colour"], point.get("y"), point.get("low"), point.get("high"))
        if key in merged:
            merged[key]["labels"].append(point["label"])
        else:
            merged[key] = {**point, "labels": [point["label"]]}
    for point in merged.values():
        labels = point.pop("labels")
        point["label"] = labels[0] if len(labels) == 1 else (
            f"{len(labels)} reports at one value: " + "; ".join(labels[:3]) + ("; …" if len(labels) > 3 else ""))
    return list(merged.values())
