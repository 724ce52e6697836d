"""Small inline SVG charts drawn on the server (no script, no CDN): a trend line per guide."""
from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 300, 72, 6


def _points(values: list[float], width: int, height: int) -> list[tuple[float, float]]:
    top = max(values) or 1
    step = (width - 2 * PAD) / max(1, len(values) - 1)
    return [(PAD + i * step, height - PAD - (v / top) * (height - 2 * PAD)) for i, v in enumerate(values)]


def trend_svg(series: list[tuple[date, float | int | None]], label: str, *, width: int = WIDTH,
              height: int = HEIGHT) -> Markup:
    """A line with a filled area for a daily series (missing values as zero), its peak and last point marked."""
    values = [float(v or 0) for _d, v in series]
    if not values:
        return Markup("")
    points = _points(values, width, height)
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    area = f"{points[0][0]:.1f},{height - PAD} {line} {points[-1][0]:.1f},{height - PAD}"
    peak = max(range(len(values)), key=lambda i: (values[i], i))
    last_x, last_y = points[-1]
    first, last = series[0][0], series[-1][0]
    title = escape(f"{label}：{first.month}月{first.day}日-{last.month}月{last.day}日，最高 {values[peak]:g}")
    return Markup(
        f'<svg class="trend" viewBox="0 0 {width} {height}" role="img" aria-label="{title}">'
        f'<title>{title}</title>'
        f'<line x1="{PAD}" y1="{height - PAD}" x2="{width - PAD}" y2="{height - PAD}" class="trend-base"/>'
        f'<polygon points="{area}" class="trend-area"/>'
        f'<polyline points="{line}" class="trend-line" fill="none" vector-effect="non-scaling-stroke"/>'
        f'<circle cx="{points[peak][0]:.1f}" cy="{points[peak][1]:.1f}" r="3" class="trend-peak"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="3" class="trend-last"/></svg>')
