"""The items every new drive starts with; organisers add their own."""

from __future__ import annotations

# (Chinese name, English name, Chinese unit, English unit). Units are whole things
# to count: disinfectant comes in bottles, not litres.
DEFAULT_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    ("防护服", "Protective suit", "件", "suit"),
    ("N95口罩", "N95 respirator", "只", "respirator"),
    ("医用外科口罩", "Surgical mask", "只", "mask"),
    ("医用手套", "Medical gloves", "副", "pair"),
    ("护目镜", "Goggles", "副", "pair"),
    ("消毒液", "Disinfectant", "瓶（500毫升）", "bottle (500 ml)"),
    ("制氧机", "Oxygen concentrator", "台", "unit"),
)
