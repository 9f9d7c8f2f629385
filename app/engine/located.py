"""Where a problem in a content file is: its file, line and path inside the document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


@dataclass
class Located:
    """One parsed file: its display name, its YAML node tree, and the shared problem list."""

    name: str
    node: Any
    problems: list[tuple[str, str, str]]

    def problem(self, loc: tuple, reason: str) -> None:
        """Record ``reason`` at ``loc`` (a pydantic-style path) as ``(file:line, path, reason)``."""
        self.problems.append((self.name + line_suffix(self.node, loc), format_path(loc), reason))


def format_path(loc: tuple) -> str:
    """Render a pydantic location tuple as ``dimensions[0].questions[3].options``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def line_suffix(node: Any, loc: tuple) -> str:
    """Return ``:LINE`` of the deepest YAML node that ``loc`` reaches (its key, for mappings), or ''."""
    marker = node
    for part in loc:
        key, value = _child(node, part)
        if value is None:
            break
        marker, node = (key if key is not None else value), value
    if marker is None or not hasattr(marker, "start_mark"):
        return ""
    return f":{marker.start_mark.line + 1}"


def _child(node: Any, part: Any) -> tuple[Any, Any]:
    """Return (key node or None, value node) of ``part`` inside ``node``, or (None, None)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return key, value
        return None, None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None, None
