"""Rendering one chart's SVG, in whichever process renders it.

Kept apart from `warehouse.catalog` so that the processes publishing starts to render charts in
parallel import only vl-convert, not the warehouse stack.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import vl_convert

# d3-format locale: Vietnamese notation on the axes (1.234,5).
VI_NUMBERS = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]}
_SIZE = re.compile(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"')


def render_svg(spec: dict[str, Any], target: str) -> tuple[int, int]:
    """Render a Vega-Lite spec offline to the SVG file `target`; the SVG's (width, height)."""
    svg = vl_convert.vegalite_to_svg(spec, allowed_base_urls=[], format_locale=VI_NUMBERS)
    Path(target).write_text(svg, encoding="utf-8")
    return svg_size(svg)


def svg_size(svg: str) -> tuple[int, int]:
    found = _SIZE.search(svg)
    return (round(float(found[1])), round(float(found[2]))) if found else (600, 400)


def warm_up() -> None:
    """Nothing: submitted first, it makes a new worker process import vl-convert early."""
