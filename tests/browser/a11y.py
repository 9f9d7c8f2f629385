"""Accessibility checks in a real browser: axe-core run inside the page.

axe-core is vendored (tests/vendor/axe.min.js, version and checksum in tests/vendor/README.md) and
injected by Playwright as an inline script. The app's Content-Security-Policy forbids inline scripts,
so only test contexts made with `bypass_csp=True` can run it; the app itself never serves axe.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

AXE_PATH = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
# WCAG 2.0 and 2.1, levels A and AA: the conformance target stated in the README.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def axe_source() -> str:
    data = AXE_PATH.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert digest == AXE_SHA256, f"{AXE_PATH} is not axe-core {AXE_VERSION} (sha256 {digest})"
    return data.decode("utf-8")


def axe_violations(page, include: str | None = None) -> list[dict]:
    """Run axe-core on the page as it is now (WCAG 2.0/2.1 A and AA rules); return its violations."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(
        """async ([tags, include]) => {
             const result = await window.axe.run(include ? document.querySelector(include) : document,
               {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
             return result.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160),
                                         summary: (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 240)}))}));
           }""",
        [WCAG_TAGS, include])


def describe(violations: list[dict], limit: int = 6) -> str:
    """The violations as a readable list: rule, impact, what to fix, and the first offending elements."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}, {len(v['nodes'])} element(s)): {v['help']}")
        for node in v["nodes"][:limit]:
            lines.append(f"    {node['target']}: {node['summary']}")
        if len(v["nodes"]) > limit:
            lines.append(f"    … and {len(v['nodes']) - limit} more")
    return "\n".join(lines)


def counts(violations: list[dict]) -> dict[str, int]:
    """Offending elements per rule."""
    return {v["id"]: len(v["nodes"]) for v in violations}
