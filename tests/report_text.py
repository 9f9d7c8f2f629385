"""Reading a report as a client does: its body before the appendix, its words, and the sentences it says
twice (issue 22: each thing said once after the summary)."""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter

APPENDIX = "## Appendix"
# A sentence ends at . ! ? or a colon before a capital, at a semicolon outside brackets, or at a line break;
# list marks and emphasis are not words. A list item's label ("Guards against “…”: A; B.") heads its list,
# as a heading does.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|:\s+(?=[A-Z“])|;\s+(?![^(]*\))|\n+")
LABEL = re.compile(r"^\s*- (?:\*\*)?([^.:]{1,160}?)(?:\*\*)?: (?=[A-Z“])")
REPEAT_WORDS = 8
REFERENCES = ("in the roadmap: ",)


def words(text: str) -> int:
    return len(text.split())


def visible_words(html: str) -> int:
    """The words a reader sees on an HTML page."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return words(html_lib.unescape(re.sub(r"<[^>]+>", " ", text)))


def body_and_appendix(markdown: str) -> tuple[str, str]:
    body, _, appendix = markdown.partition(APPENDIX)
    return body, appendix


def sentences(markdown: str) -> list[str]:
    """The body's sentences, headings and table rows left out, normalised for comparison."""
    prose = "\n".join(LABEL.sub("- ", line) for line in markdown.splitlines() if not line.startswith(("#", "|")))
    out = []
    for part in SENTENCE_END.split(prose):
        text = re.sub(r"[*_`]|^\s*[-•]\s*|^>\s*", "", part.strip())
        text = re.sub(r"\s+", " ", text).strip(" .;:").lower()
        if text:
            out.append(text)
    return out


def repeated_sentences(markdown: str, least: int = REPEAT_WORDS) -> dict[str, int]:
    """Each sentence of at least ``least`` words the text says more than once, with how often."""
    # "In the roadmap: 2 changes, in the first 90 days" points to where the changes are: a reference, not a fact.
    counts = Counter(s for s in sentences(markdown) if len(s.split()) >= least and not s.startswith(REFERENCES))
    return {s: n for s, n in counts.items() if n > 1}
