"""Dates a clinician and patient can follow: taper steps and follow-ups on working days. Pure.

step_dates is where every plan, for one opioid or several, gets its interval, pauses and dates.

Only Saturdays and Sundays are treated as days off; Danish public holidays are not known here
(docs/opioids.md, "Dates").
"""

from collections.abc import Sequence
from datetime import date, timedelta

from .plan_types import (
    DATE_OVERFLOW_ERROR,
    INTERVAL_WEEKS_LONG_USE,
    INTERVAL_WEEKS_SHORT_USE,
    LONG_USE_MONTHS,
    MAX_INTERVALS,
    PAUSE_DUPLICATE_ERROR,
    PAUSE_EXTRA_ERROR,
    PAUSE_EXTRA_MAX,
    PAUSE_EXTRA_MIN,
    PAUSE_STEP_ERROR,
    TOO_MANY_INTERVALS_ERROR,
    Pause,
    StepDates,
    TaperPlanError,
    TaperSettings,
)

_SATURDAY = 5

WEEKDAYS_NOTE = (
    "Alle trin og opfølgninger ligger på hverdage: intervallerne er hele uger, så hver dato har "
    "samme ugedag som starten. En startdato i en weekend flyttes til mandagen efter, ikke til "
    "fredagen før, så intet trin kommer tidligere end det valgte tempo."
)
WEEKEND_MOVED_NOTE = (
    "Den valgte startdato, {chosen}, er en {weekday}; planen starter derfor mandag {start}."
)
_WEEKDAY_NAMES = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
_MONTH_NAMES = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip


def is_weekend(day: date) -> bool:
    return day.weekday() >= _SATURDAY


def working_day_on_or_after(day: date) -> date:
    """Return `day`, or the Monday after it when it is a Saturday or Sunday.

    Monday rather than the Friday before: a step moved earlier would cut the dose sooner than
    the chosen pace, which CDC 2022 (recommendation 5) warns against.
    """
    while is_weekend(day):
        day += timedelta(days=1)
    return day


def _interval_default(*, treatment_months: float) -> int:
    """Return the default weeks between steps: 4 after a year or more of use, else 1."""
    if treatment_months >= LONG_USE_MONTHS:
        return INTERVAL_WEEKS_LONG_USE
    return INTERVAL_WEEKS_SHORT_USE


def _pauses_check(pauses: Sequence[Pause], *, steps: int) -> dict[int, int]:
    errors: dict[str, list[str]] = {}
    extra: dict[int, int] = {}
    for index, pause in enumerate(pauses):
        where = f"pauses[{index}]"
        if not (isinstance(pause.after_step, int) and 1 <= pause.after_step < steps):
            errors[f"{where}.after_step"] = [
                PAUSE_STEP_ERROR.format(step=pause.after_step, last=steps)
            ]
        elif pause.after_step in extra:
            errors[f"{where}.after_step"] = [PAUSE_DUPLICATE_ERROR.format(step=pause.after_step)]
        if not (
            isinstance(pause.extra_intervals, int)
            and PAUSE_EXTRA_MIN <= pause.extra_intervals <= PAUSE_EXTRA_MAX
        ):
            errors[f"{where}.extra_intervals"] = [PAUSE_EXTRA_ERROR]
        elif f"{where}.after_step" not in errors:
            extra[pause.after_step] = pause.extra_intervals
    if errors:
        raise TaperPlanError(errors)
    paused = sum(extra.values())
    if steps + paused > MAX_INTERVALS:
        message = TOO_MANY_INTERVALS_ERROR.format(
            intervals=steps + paused, steps=steps, extra=paused, max=MAX_INTERVALS
        )
        raise TaperPlanError({"pauses": [message]})
    return extra


def step_dates(settings: TaperSettings, *, count: int) -> StepDates:
    """Return when a plan's `count` steps fall; raise TaperPlanError for pauses that do not fit.

    The interval is the settings' `interval_weeks`, or the default for their
    `treatment_months` when None; the first step is on their `start_date`, or the Monday
    after it when they keep to weekdays and it is a weekend day.
    """
    extra = _pauses_check(settings.pauses, steps=count)
    interval = settings.interval_weeks or _interval_default(
        treatment_months=settings.treatment_months
    )
    first_day, dates, follow_ups = _plan_dates(
        settings.start_date,
        weekdays_only=settings.weekdays_only,
        interval=interval,
        count=count,
        extra=extra,
    )
    return StepDates(
        interval_weeks=interval,
        interval_is_default=settings.interval_weeks is None,
        extra=extra,
        start_date=first_day,
        dates=dates,
        follow_ups=follow_ups,
    )


def _plan_dates(
    chosen: date, *, weekdays_only: bool, interval: int, count: int, extra: dict[int, int]
) -> tuple[date, list[date], tuple[date, ...]]:
    """Return a plan's first day, each of its `count` steps' dates and the follow-ups.

    The first day is `chosen`, moved to the Monday after a weekend when `weekdays_only`; a
    step lasts `interval` weeks plus its pause (`extra`: step number -> extra intervals), and
    a follow-up falls at the end of every interval. Raise TaperPlanError for dates past the
    calendar's end.
    """
    first_day = working_day_on_or_after(chosen) if weekdays_only else chosen
    dates, offset = [], 0
    try:
        for number in range(1, count + 1):
            dates.append(first_day + timedelta(weeks=interval * offset))
            offset += 1 + extra.get(number, 0)
        follow_ups = tuple(first_day + timedelta(weeks=interval * j) for j in range(1, offset + 1))
    except OverflowError:
        raise TaperPlanError({"start_date": [DATE_OVERFLOW_ERROR]}) from None
    return first_day, dates, follow_ups


def next_working_day(today: date) -> date:
    """Return the first working day after `today` (a plan made on Friday starts on Monday)."""
    return working_day_on_or_after(today + timedelta(days=1))


def date_display(day: date) -> str:
    """Return a date as a Danish reader writes it: "7. december 2026"."""
    return f"{day.day}. {_MONTH_NAMES[day.month - 1]} {day.year}"


def weekend_notes(*, chosen: date, start: date) -> tuple[str, ...]:
    """Return the notes saying that dates are working days, and why the start moved if it did."""
    if chosen == start:
        return (WEEKDAYS_NOTE,)
    moved = WEEKEND_MOVED_NOTE.format(
        chosen=date_display(chosen),
        weekday=_WEEKDAY_NAMES[chosen.weekday()],
        start=date_display(start),
    )
    return (WEEKDAYS_NOTE, moved)
