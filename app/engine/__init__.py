"""The pure engine: content models, scoring, rules and roadmap. No Flask, no database, no I/O
beyond reading content files in ``load_content``."""

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
