"""Exceptions raised by the engine; each names the failure."""


class ContentError(Exception):
    """Content files are invalid; ``problems`` lists every ``(file, path, reason)``."""

    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = list(problems)
        super().__init__(self.describe())

    def describe(self) -> str:
        """Return one line per problem: ``file: path: reason``."""
        return "\n".join(
            f"{file}: {path}: {reason}" if path else f"{file}: {reason}"
            for file, path, reason in self.problems
        )


class InvalidInput(ValueError):
    """Answers, context or target given to the engine are not acceptable."""


class UnknownQuestion(InvalidInput):
    """An answer names a question the questionnaire does not have."""


class InvalidLevel(InvalidInput):
    """An answer or target gives a level the question or dimension does not offer."""


class InvalidContext(InvalidInput):
    """A context value is missing, unknown or of the wrong type."""


class UnknownQuestionnaire(InvalidInput):
    """No questionnaire has the requested id."""


class InvalidPlan(InvalidInput):
    """A planning choice (start date, PMO people, owner names, importance) is not acceptable."""
