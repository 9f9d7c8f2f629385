"""The pure engine: content models, scoring, rules and roadmap. No Flask, no database, no I/O
beyond reading content files in ``load_content``."""

import sys

from . import parser_tables

# rule-engine builds its parser's LALR tables with PLY when it is first imported: about 0.8 s of CPU in every
# process (each server worker, CLI run and test worker). PLY takes ready tables from the module
# `rule_engine.parser.parsetab` when there is one whose grammar signature matches, and builds them as before
# otherwise; app/engine/parser_tables.py is what PLY writes for rule-engine's grammar, registered under that
# name before rule-engine is imported (tests/test_expressions.py fails when it no longer matches).
sys.modules.setdefault("rule_engine.parser.parsetab", parser_tables)

from .assessment import run_assessment, validate_target
from .content import Content
from .loader import load_content
from .models import Questionnaire
from .errors import (
    ContentError,
    InvalidContext,
    InvalidInput,
    InvalidLevel,
    UnknownQuestion,
    UnknownQuestionnaire,
)

__all__ = [
    "Content",
    "ContentError",
    "InvalidContext",
    "InvalidInput",
    "InvalidLevel",
    "Questionnaire",
    "UnknownQuestion",
    "UnknownQuestionnaire",
    "load_content",
    "run_assessment",
    "validate_target",
]
