"""Dates a clinician and patient can follow: taper steps and follow-ups on working days. Pure.

Only Saturdays and Sundays are treated as days off; Danish public holidays are not known here
(docs/opioids.md, "Dates").
"""

from datetime import date, timedelta

from .plan_types import DATE_OVERFLOW_ERROR, TaperPlanError

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


def plan_dates(
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
