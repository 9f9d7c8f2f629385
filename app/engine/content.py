"""All validated content in one value: questionnaires, the compiled rulebook and the roadmap."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UnknownQuestionnaire
from .models import Questionnaire
from .roadmap import RoadmapContent
from .rulebook import Rulebook


@dataclass(frozen=True)
class Content:
    """All validated content, with the version and hash results are computed with."""

    questionnaires: dict[str, Questionnaire]
    hash: str
    files: tuple[str, ...] = ()
    rulebook: Rulebook | None = None  # None when rules/ is empty
    roadmap: RoadmapContent | None = None  # None when roadmaps/ is empty

    @property
    def default_questionnaire(self) -> Questionnaire:
        if "pmo-maturity" in self.questionnaires:
            return self.questionnaires["pmo-maturity"]
        return next(iter(self.questionnaires.values()))

    def questionnaire(self, questionnaire_id: str | None) -> Questionnaire:
        """The questionnaire with this id (the default one for None); raise UnknownQuestionnaire."""
        if questionnaire_id is None:
            return self.default_questionnaire
        try:
            return self.questionnaires[questionnaire_id]
        except KeyError:
            known = ", ".join(sorted(self.questionnaires))
            raise UnknownQuestionnaire(f"unknown questionnaire {questionnaire_id!r} (known: {known})") from None
