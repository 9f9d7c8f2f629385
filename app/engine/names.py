"""Names people type (organisations, units, workshops, participants, accounts, owners): one check for
all of them, and one cleaning for every writer.

A name is refused when it holds a character no text should carry (Unicode non-characters such
as U+FFFE, control characters, lone surrogates), a bidirectional override that makes it read
differently from how it is stored ("abc\u202egpj.exe" shows as "abcexe.jpg"), or nothing
visible at all ("\u200b\u200b"). ``clean_text`` takes the same characters out of text already
stored, so a report never fails on a name kept before this check existed: XML writers (XLSX,
PPTX) refuse such characters and would fail for good.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Non-characters: U+FDD0..U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF, U+1FFFE, ...).
# The plane 1-16 ones are a pattern of their own, searched only in text that has such characters: a
# character class with astral characters is scanned item by item (89 µs for a sentence).
_ASTRAL_NONCHARACTERS = "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
                                for plane in range(1, 17))
# C0 and C1 controls (a name is one line; the writers' text may keep tab and line breaks), and surrogates.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
# Bidirectional embeddings, overrides and isolates (marks, U+200E/U+200F, stay: right-to-left names need them).
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# What the API describes a name as (OpenAPI `pattern`, so a generated client and a fuzzer know): no
# character ``check_name`` refuses, and at least one that shows. Literal characters rather than
# escapes, so Python's re, pydantic's regex engine and JSON Schema tools read it alike.
_NEVER = "\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff"
_INVISIBLE = "\\s\u0300-\u036f\u200b-\u200f\u2060-\u2065\ufeff"
NAME_PATTERN = f"^[^{_NEVER}]*[^{_NEVER}{_INVISIBLE}][^{_NEVER}]*$"
_UNSAFE = re.compile(f"[\ufdd0-\ufdef\ufffe\uffff{_CONTROLS}{_BIDI_CONTROLS}]")
_UNSAFE_ASTRAL = re.compile(f"[{_ASTRAL_NONCHARACTERS}]")
_LINE_BREAKS = re.compile("[\t\n\r]")
# Letters and symbols that draw nothing (Hangul fillers, the blank Braille pattern).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _unsafe(text: str) -> re.Match | None:
    """The first character of ``text`` that no name or report may carry, if any."""
    if text.isprintable():  # no control, format, unassigned or surrogate character: the usual case, at C speed
        return None
    found = _UNSAFE.search(text)
    if found is None and not text.isascii() and max(text) > "\uffff":
        found = _UNSAFE_ASTRAL.search(text)
    return found


class UnsafeName(ValueError):
    """A name holds a character it must not, or nothing visible; the message says which."""


def check_name(name: str, what: str) -> None:
    """Raise UnsafeName when ``name`` holds a non-character, a control character or a bidirectional
    override, or when none of its characters shows (only spaces and invisible format characters)."""
    found = _unsafe(name) or _LINE_BREAKS.search(name)
    if found:
        char = found.group()
        kind = ("a bidirectional override, which makes text read differently from how it is stored"
                if re.fullmatch(f"[{_BIDI_CONTROLS}]", char) else "a character that is not text")
        raise UnsafeName(f"{what} holds U+{ord(char):04X}, {kind}; remove it")
    if not any(not char.isspace() and char not in _BLANK_LETTERS
               and unicodedata.category(char) not in ("Cf", "Mn", "Me", "Zs") for char in name):
        raise UnsafeName(f"{what} shows nothing: it has only spaces or invisible characters")


def clean_text(value: Any) -> Any:
    """``value`` with the characters ``check_name`` refuses taken out of every string in it (tab and line
    breaks stay); lists, tuples and dicts are cleaned through, anything else is returned as it is."""
    if isinstance(value, str):
        return _UNSAFE_ASTRAL.sub("", _UNSAFE.sub("", value)) if _unsafe(value) else value
    if isinstance(value, dict):
        return {clean_text(k): clean_text(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(clean_text(v) for v in value)
    return value
