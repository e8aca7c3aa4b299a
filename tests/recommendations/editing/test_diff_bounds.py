"""Word diffs anyone can ask for are bounded in size and time, and computed once per pair.

A minimal diff costs time that grows with the product of the texts' lengths: two published
48 KB rationales made one anonymous history request take 22 s. These tests check the bounds
themselves (a deadline honoured, a size limit, a cache), never a timing.
"""

import time

import pytest
from django.core.cache import cache

from recommendations import diff
from recommendations.diff import COMPARED_FIELDS, MAX_DIFF_CHARS, versions_diff, word_diff

OLD = "Tilbyd kognitiv adfærdsterapi til patienter med komplekse problemstillinger."
NEW = "Tilbyd patienter med generaliserede smerter kognitiv adfærdsterapi."
HISTORY = "/guidelines/generalised-pain/cbt/history/"


def rebuilt(parts) -> tuple[str, str]:
    return (
        "".join(p.text for p in parts if p.kind != "insert"),
        "".join(p.text for p in parts if p.kind != "delete"),
    )


def test_a_diff_past_its_deadline_shows_the_rest_replaced_and_still_rebuilds_both_texts():
    coarse = word_diff(OLD, NEW, deadline=time.time() - 1)
    fine = word_diff(OLD, NEW)
    assert rebuilt(coarse) == rebuilt(fine) == (OLD, NEW)
    # Only the common start and end are found once time is up; the middle is replaced whole.
    assert [p.kind for p in coarse] == ["equal", "delete", "insert", "equal"]
    assert len(fine) > len(coarse)


def test_texts_longer_than_the_bound_are_shown_replaced_whole():
    old = "smerte " * (MAX_DIFF_CHARS // 7 + 1)
    new = old + "ændret"
    assert [(p.kind, p.text) for p in word_diff(old, new)] == [("delete", old), ("insert", new)]


def test_a_comparison_gives_all_its_fields_one_deadline_within_the_budget(monkeypatch):
    cache.clear()
    deadlines = []

    def spy(old, new, *, deadline):
        deadlines.append(deadline)
        return word_diff(old, new, deadline=deadline)

    monkeypatch.setattr(diff, "word_diff", spy)
    before = time.time()
    versions_diff(_Version(OLD), _Version(NEW), COMPARED_FIELDS)
    assert len(deadlines) == len(COMPARED_FIELDS)
    assert len(set(deadlines)) == 1
    assert before < deadlines[0] <= time.time() + diff.DIFF_TIME_BUDGET


@pytest.mark.django_db
def test_the_history_page_computes_each_version_pairs_diff_once(client, content, monkeypatch):
    cache.clear()
    calls = []

    def counting(old, new, *, deadline):
        calls.append((old, new))
        return word_diff(old, new, deadline=deadline)

    monkeypatch.setattr(diff, "word_diff", counting)
    assert client.get(HISTORY).status_code == 200
    computed = len(calls)
    assert computed, "the first request computes the diffs"
    assert client.get(HISTORY).status_code == 200
    assert len(calls) == computed, "the second request reads the cached diffs"


class _Version:
    """A version with every compared field set to `text`."""

    def __init__(self, text: str):
        for attribute, _label in COMPARED_FIELDS:
            setattr(self, attribute, f"{attribute}: {text}")
