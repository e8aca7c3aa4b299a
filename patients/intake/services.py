"""Intake in, evaluation out: the one path the intake page and the API both call."""

from dataclasses import replace
from datetime import date

from django.utils import timezone

from recommendations.intake_input import RecordIntakeData, intake_build, intake_validate
from recommendations.metrics import EVALUATIONS
from recommendations.rules import Alert, Evaluation, evaluate, red_flag_alerts
from recommendations.rules.journal import journal_note
from recommendations.selectors import rules_content


def intake_evaluate(*, data: object, today: date | None = None) -> Evaluation:
    """Return the evaluation of raw intake data; raise ValidationError listing every problem.

    Data from a patient's record (RecordIntakeData) may leave a medication's dose unknown
    (None); from the form and the API a dose is required.
    """
    content = rules_content()
    validated = intake_validate(
        data,
        red_flag_codes=list(content.red_flags),
        dose_unknown_allowed=isinstance(data, RecordIntakeData),
    )
    evaluation = evaluate(intake_build(validated), content)
    EVALUATIONS.inc()
    note = journal_note(
        evaluation, today=today or timezone.localdate(), red_flags=content.red_flags
    )
    return replace(evaluation, journal_note=note)


def red_flag_alerts_for(codes: list[str]) -> list[Alert]:
    """Return the alerts for ticked red flags alone (unknown codes skipped), by the evaluator's
    own rules function: the intake page shows them while the rest of the form has errors."""
    return red_flag_alerts(codes, rules_content().red_flags)
