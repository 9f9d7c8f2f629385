"""WCAG 2.1 contrast arithmetic (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio), for the theme tests."""

from __future__ import annotations

import re




def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def rgb(colour: str) -> tuple[int, int, int]:
    """#rgb, #rrggbb or rgb()/rgba() (alpha ignored) as an (r, g, b) tuple."""
    colour = colour.strip()
    if colour.startswith("#"):
        hexa = colour[1:]
        if len(hexa) == 3:
            hexa = "".join(ch * 2 for ch in hexa)
        return int(hexa[0:2], 16), int(hexa[2:4], 16), int(hexa[4:6], 16)
    found = re.findall(r"[\d.]+", colour)
    return int(float(found[0])), int(float(found[1])), int(float(found[2]))


def luminance(colour: str) -> float:
    r, g, b = (_channel(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two opaque colours, from 1 to 21."""
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def over(colour: str, alpha: float, background: str) -> str:
    """A translucent colour as it shows over an opaque background, as #rrggbb."""
    top, bottom = rgb(colour), rgb(background)
    return "#" + "".join(f"{round(alpha * t + (1 - alpha) * b):02x}" for t, b in zip(top, bottom))
