"""Small inline SVG charts drawn on the server (no script, no CDN): a trend line per guide."""
from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 300, 72, 6


def _x(index: int, count: int, width: int) -> float:
    return PAD + index * (width - 2 * PAD) / max(1, count - 1)


def _y(value: float, top: float, height: int) -> float:
    return height - PAD - (value / (top or 1)) * (height - 2 * PAD)


def _segments(values: list[float | None], top: float, width: int, height: int) -> list[list[tuple[float, float]]]:
    """Runs of consecutive known values as points; a day without a value (a rate of nothing) breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            runs.append([])
            continue
        runs[-1].append((_x(i, len(values), width), _y(v, top, height)))
    return [run for run in runs if run]


def _path(run: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in run)


def trend_svg(series: list[tuple[date, float | int | None]], label: str, *, width: int = WIDTH,
              height: int = HEIGHT) -> Markup:
    """A daily series as a line over a filled area, its peak and last value marked (no value: a gap)."""
    values = [None if v is None else float(v) for _d, v in series]
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    top = max((v for _i, v in known), default=0)
    runs = _segments(values, top, width, height)
    if not runs:
        return Markup(f'<svg class="trend" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}：暂无">'
                      f'<line x1="{PAD}" y1="{height - PAD}" x2="{width - PAD}" y2="{height - PAD}" '
                      f'class="trend-base"/></svg>')
    peak_index, peak = max(known, key=lambda item: (item[1], item[0]))
    first, last = series[0][0], series[-1][0]
    title = escape(f"{label}：{first.month}月{first.day}日-{last.month}月{last.day}日，最高 {peak:g}")
    shapes = "".join(
        f'<polygon points="{run[0][0]:.1f},{height - PAD} {_path(run)} {run[-1][0]:.1f},{height - PAD}" '
        f'class="trend-area"/><polyline points="{_path(run)}" class="trend-line" fill="none"/>'
        + (f'<circle cx="{run[0][0]:.1f}" cy="{run[0][1]:.1f}" r="2" class="trend-last"/>' if len(run) == 1 else "")
        for run in runs)
    last_x, last_y = runs[-1][-1]
    return Markup(
        f'<svg class="trend" viewBox="0 0 {width} {height}" role="img" aria-label="{title}">'
        f'<title>{title}</title>'
        f'<line x1="{PAD}" y1="{height - PAD}" x2="{width - PAD}" y2="{height - PAD}" class="trend-base"/>{shapes}'
        f'<circle cx="{_x(peak_index, len(values), width):.1f}" cy="{_y(peak, top, height):.1f}" r="3" '
        f'class="trend-peak"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="3" class="trend-last"/></svg>')


def interval_svg(difference: float, low: float, high: float, scale: float, *, width: int = 160) -> Markup:
    """A confidence interval as a bar around its point, with zero marked (scale: the largest |value| shown)."""
    scale = max(scale, 0.01)

    def x(value: float) -> float:
        return width / 2 + max(-1.0, min(1.0, value / scale)) * (width / 2 - 4)

    label = escape(f"差异 {difference * 100:+.1f} 个百分点，区间 {low * 100:+.1f} ~ {high * 100:+.1f}")
    return Markup(
        f'<svg class="ci-bar" viewBox="0 0 {width} 18" role="img" aria-label="{label}"><title>{label}</title>'
        f'<line x1="{width / 2:.1f}" y1="1" x2="{width / 2:.1f}" y2="17" class="zero"/>'
        f'<line x1="{x(low):.1f}" y1="9" x2="{x(high):.1f}" y2="9" class="span"/>'
        f'<circle cx="{x(difference):.1f}" cy="9" r="4" class="point"/></svg>')


BAR_ROW, BAR_LABEL, BAR_VALUE = 26, 78, 64


def bars_svg(rows: list[tuple[str, float, str]], label: str, *, top: float | None = None,
             width: int = WIDTH) -> Markup:
    """Horizontal bars, one per (name, value, value as shown), scaled to `top` (default: the largest value)."""
    scale = top if top else max((v for _n, v, _t in rows), default=0) or 1
    span = width - BAR_LABEL - BAR_VALUE
    height = max(1, len(rows)) * BAR_ROW
    title = escape(label + "：" + "，".join(f"{name} {shown}" for name, _v, shown in rows))
    shapes = []
    for i, (name, value, shown) in enumerate(rows):
        y = i * BAR_ROW
        length = max(0.0, min(1.0, value / scale)) * span
        short = name if len(name) <= 6 else name[:5] + "…"
        shapes.append(
            f'<text x="0" y="{y + 17}" class="bar-name">{escape(short)}</text>'
            f'<rect x="{BAR_LABEL}" y="{y + 5}" width="{span}" height="16" rx="3" class="bar-track"/>'
            f'<rect x="{BAR_LABEL}" y="{y + 5}" width="{length:.1f}" height="16" rx="3" class="bar-fill bar-{i % 4}"/>'
            f'<text x="{width}" y="{y + 17}" class="bar-value" text-anchor="end">{escape(shown)}</text>')
    return Markup(f'<svg class="bars" viewBox="0 0 {width} {height}" role="img" aria-label="{title}">'
                  f'<title>{title}</title>{"".join(shapes)}</svg>')


def share_svg(parts: list[tuple[str, int]], label: str, *, width: int = WIDTH, height: int = 18) -> Markup:
    """One bar split into the parts' shares (e.g. customers per quadrant); an empty grey bar without any."""
    total = sum(v for _n, v in parts)
    title = escape(label + "：" + "，".join(f"{name} {v}" for name, v in parts))
    shapes, x = [f'<rect x="0" y="0" width="{width}" height="{height}" rx="4" class="bar-track"/>'], 0.0
    for i, (_name, value) in enumerate(parts):
        if total and value:
            length = value / total * width
            shapes.append(f'<rect x="{x:.1f}" y="0" width="{length:.1f}" height="{height}" '
                          f'class="bar-fill bar-{i % 4}"/>')
            x += length
    return Markup(f'<svg class="share" viewBox="0 0 {width} {height}" role="img" aria-label="{title}">'
                  f'<title>{title}</title>{"".join(shapes)}</svg>')
