"""The audit's charts as inline SVG, drawn on the server: no script and nothing fetched, so a
report file opens anywhere offline and the inbox's page needs no CDN.

Each chart is an ``<svg role="img">`` whose ``aria-label`` says what it shows; every text in
it is escaped, and a chart with nothing to draw says so instead of showing empty axes.
"""

import math
from collections import Counter
from html import escape

from edoc.audit.figures import RATED, Figures
from edoc.audit.wording import describe, percent
from edoc.audit.wording import words as audit_words
from edoc.errors import AuditError

WIDTH = 760
#: Line colours (the inbox's red first), then dash patterns once the colours run out: 40
#: agencies are told apart by their line alone, and every point names its agency on hover.
COLOURS = (
    "#8b1a1a", "#1f5f9e", "#1b7f3b", "#b36b00", "#6a3d9a",
    "#00838f", "#c2185b", "#5d4037", "#455a64", "#827717",
)  # fmt: skip
DASHES = ("", "6 3", "2 3", "8 3 2 3")


def _svg(height: float, label: str, body: list[str], css_class: str) -> str:
    label = escape(label)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" role="img" '
        f'aria-label="{label}" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
        f'height="{height:.0f}" font-size="12" font-family="sans-serif">'
        f"<title>{label}</title>{''.join(body)}</svg>"
    )


def _empty(text: str, css_class: str) -> str:
    body = [f'<text x="{WIDTH / 2}" y="28" text-anchor="middle" fill="#666">{escape(text)}</text>']
    return _svg(44, text, body, css_class)


def _months(labels: list[str]) -> list[str]:
    """Every month from the first to the last of ``labels`` (YYYY-MM), so that the x axis is
    even in time and a month without documents shows as a gap."""
    first, last = min(labels), max(labels)
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while (label := f"{year}-{month:02d}") <= last:
        months.append(label)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _shorten(text: str, width: float) -> str:
    room = max(4, int(width / 6.6))
    return text if len(text) <= room else text[: room - 1] + "…"


def trend_svg(
    trend: dict[str, list[tuple[str, Figures]]],
    names: dict[str, str],
    rate: str = "compliant",
    lang: str = "vi",
) -> str:
    """A line per agency of its monthly ``rate`` (0–100 %, over the assessed documents), month
    labels on the x axis and a legend below; months with nothing assessed are gaps."""
    if rate not in RATED:
        raise AuditError(
            f"Không có tỷ lệ «{rate}» (có: {', '.join(RATED)}).",
            f"No rate '{rate}' (known: {', '.join(RATED)}).",
        )
    words = audit_words(lang)
    labels = [month for series in trend.values() for month, _ in series]
    if not labels:
        return _empty(words["chart_no_trend"], "trend")
    months = _months(labels)
    left, right, top, height = 52, 16, 14, 220
    plot = WIDTH - left - right
    step = plot / len(months)

    def x(index: int) -> float:
        return left + (index + 0.5) * step

    def y(share: float) -> float:
        return top + (1 - share) * height

    body = []
    for tick in (0, 0.25, 0.5, 0.75, 1):
        body.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#ddd"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
            f'fill="#444">{tick * 100:.0f}{" %" if lang == "vi" else "%"}</text>'
        )
    every = math.ceil(len(months) / 12)
    for index, month in enumerate(months):
        if index % every == 0:
            body.append(
                f'<text x="{x(index):.1f}" y="{top + height + 18}" text-anchor="middle" '
                f'fill="#444">{month}</text>'
            )
    agencies = sorted(trend, key=lambda organ_id: (names.get(organ_id) or organ_id, organ_id))
    columns = 1 if len(agencies) <= 4 else 2 if len(agencies) <= 12 else 3
    column = plot / columns
    legend_top = top + height + 38
    for number, organ_id in enumerate(agencies):
        colour = COLOURS[number % len(COLOURS)]
        dash = DASHES[number // len(COLOURS) % len(DASHES)]
        stroke = f'stroke="{colour}" stroke-width="2" fill="none"' + (
            f' stroke-dasharray="{dash}"' if dash else ""
        )
        agency = names.get(organ_id) or organ_id
        by_month = dict(trend[organ_id])
        parts = [f'<g class="series" data-organ-id="{escape(organ_id)}">']
        run: list[str] = []
        for index, month in enumerate(months):
            figures = by_month.get(month)
            share = figures.rate(rate) if figures else None
            if share is None:
                parts.append(_line(run, stroke))
                run = []
                continue
            point = f"{x(index):.1f},{y(share):.1f}"
            run.append(point)
            title = words["chart_point"].format(
                agency=agency, month=month, percent=percent(share, lang),
                count=getattr(figures, rate), assessed=figures.assessed,
            )  # fmt: skip
            parts.append(
                f'<circle cx="{x(index):.1f}" cy="{y(share):.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(title)}</title></circle>"
            )
        parts.append(_line(run, stroke))
        row, col = divmod(number, columns)
        lx, ly = left + col * column, legend_top + row * 18
        parts.append(
            f'<line x1="{lx:.1f}" x2="{lx + 22:.1f}" y1="{ly - 4}" y2="{ly - 4}" {stroke}/>'
            f'<text x="{lx + 28:.1f}" y="{ly}"><title>{escape(f"{agency} ({organ_id})")}</title>'
            f"{escape(_shorten(agency, column - 34))}</text></g>"
        )
        body.append("".join(parts))
    rows = math.ceil(len(agencies) / columns)
    label = words["chart_trend"].format(
        rate=words[f"chart_rate_{rate}"], n=len(agencies), first=months[0], last=months[-1]
    )
    return _svg(legend_top + rows * 18, label, body, "trend")


def _line(points: list[str], stroke: str) -> str:
    """A polyline through a run of consecutive months (a lone month is only its point)."""
    return f'<polyline points="{" ".join(points)}" {stroke}/>' if len(points) > 1 else ""


def codes_svg(codes: Counter, lang: str = "vi") -> str:
    """A horizontal bar per check code, largest first, labelled with the code and its count;
    hovering a bar shows what the code finds."""
    words = audit_words(lang)
    items = sorted(((c, n) for c, n in codes.items() if n > 0), key=lambda i: (-i[1], i[0]))
    if not items:
        return _empty(words["chart_no_codes"], "codes")
    left, right, row, bar = 210, 70, 24, 16
    largest = items[0][1]
    room = WIDTH - left - right
    body = []
    for number, (code, count) in enumerate(items):
        top = 8 + number * row
        length = max(1.0, room * count / largest)
        title = f"{code}: {describe(code, lang)} {words['chart_documents'].format(count=count)}"
        body.append(
            f'<g class="bar" data-code="{escape(code)}"><title>{escape(title)}</title>'
            f'<text x="{left - 8}" y="{top + 12}" text-anchor="end">{escape(code)}</text>'
            f'<rect x="{left}" y="{top}" width="{length:.1f}" height="{bar}" fill="#8b1a1a"/>'
            f'<text x="{left + length + 6:.1f}" y="{top + 12}">{count}</text></g>'
        )
    label = words["chart_codes"].format(items="; ".join(f"{c} {n}" for c, n in items))
    return _svg(16 + len(items) * row, label, body, "codes")
