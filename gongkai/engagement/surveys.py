"""Questionnaires: the form builder's scale question, and the tally of responses (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from wagtail.contrib.forms.forms import BaseForm, FormBuilder

from gongkai.engagement.enums import SCALE_POINTS
from gongkai.engagement.forms import AccessibleFormMixin

SCALE_LABELS = {1: "1 非常不满意/完全不了解", 2: "2", 3: "3", 4: "4", 5: "5 非常满意/非常了解"}


class SurveyFormBuilder(FormBuilder):  # type: ignore[misc]
    """Wagtail's builder plus ``scale``: a 1–5 radio question."""

    def create_scale_field(self, field: Any, options: dict[str, Any]) -> forms.Field:
        options["choices"] = [(str(n), SCALE_LABELS[n]) for n in range(1, SCALE_POINTS + 1)]
        return forms.ChoiceField(widget=forms.RadioSelect, **options)

    def get_form_class(self) -> type[forms.Form]:
        return type("SurveyForm", (AccessibleFormMixin, BaseForm), self.formfields)


def split_choices(raw: str) -> list[str]:
    """The builder's own rule: one choice per line, or comma-separated on one line."""
    parts = raw.splitlines() if "\n" in raw else raw.split(",")
    return [part.strip() for part in parts if part.strip()]


@dataclass(frozen=True)
class Question:
    name: str
    label: str
    field_type: str
    choices: tuple[str, ...] = ()


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    counts: list[tuple[str, int]] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def is_text(self) -> bool:
        return self.question.field_type in ("multiline", "singleline")

    def share(self, count: int) -> float:
        return round(100 * count / self.answered, 1) if self.answered else 0.0

    @property
    def rows(self) -> list[tuple[str, int, float]]:
        return [(option, count, self.share(count)) for option, count in self.counts]


def questions_of(fields: Iterable[Any]) -> list[Question]:
    out = []
    for f in fields:
        if f.field_type == "scale":
            choices = tuple(str(n) for n in range(1, SCALE_POINTS + 1))
        else:
            choices = tuple(split_choices(f.choices))
        out.append(Question(f.clean_name, f.label, f.field_type, choices))
    return out


def tally(questions: Sequence[Question], answers: Iterable[Mapping[str, Any]]) -> list[
        QuestionResult]:
    """Count every answer sheet once per question. Multiple choice counts each option
    ticked; ``answered`` counts sheets that answered the question, so shares of a
    multiple-choice question may sum to more than 100 %."""
    results = [QuestionResult(q, counts=[(c, 0) for c in q.choices]) for q in questions]
    index = [{c: i for i, c in enumerate(q.choices)} for q in questions]
    totals = [0 for _ in questions]
    for sheet in answers:
        for i, result in enumerate(results):
            value = sheet.get(result.question.name)
            if value in (None, "", []):
                continue
            result.answered += 1
            if result.is_text:
                result.texts.append(str(value))
                continue
            for chosen in value if isinstance(value, list) else [value]:
                position = index[i].get(str(chosen))
                if position is None:
                    continue  # an option removed after answers came in
                option, count = result.counts[position]
                result.counts[position] = (option, count + 1)
                if result.question.field_type == "scale":
                    totals[i] += int(chosen)
    for i, result in enumerate(results):
        if result.question.field_type == "scale" and result.answered:
            result.mean = round(totals[i] / result.answered, 2)
    return results
