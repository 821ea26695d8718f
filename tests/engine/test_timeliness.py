"""Timeliness as the DfE publishes it: the definitions reproduce the national 2019-2021 figures
from the published numerators and denominators, and work over live clock results."""

from __future__ import annotations

import csv
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from highneeds.engine.clock import compute_case, compute_many
from highneeds.engine.timeliness import (
    Timeliness,
    calendar_year,
    combine,
    decisions_within_6_weeks,
    not_issue_within_16_weeks,
    percent,
    plans_within_20_weeks,
)

DATA = Path(os.environ.get("HIGHNEEDS_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
EES_FILE = DATA / "ehcp_sen2_2025" / "data" / "timeliness_20_week.csv"
DASHBOARD_FILE = DATA / "send_ap_inclusion_dashboard_derived" / "sen2_timeliness_20wk_by_la_2017_to_2022.csv"
MISSING = frozenset({"x", "c", "z", ":", "u", "low", ""})
# DOMAIN.md section 1: national % within 20 weeks (including, excluding exceptions).
NATIONAL = {2019: (58.7, 60.4), 2020: (55.6, 58.0), 2021: (57.9, 59.9)}

needs_data = pytest.mark.skipif(not EES_FILE.exists(), reason=f"public data not found at {DATA}")


def count(cell: str) -> int | None:
    """A published count; suppression/missing markers are missing, never zero."""
    cell = cell.strip()
    return None if cell in MISSING else int(float(cell))


def share(cell: str) -> float | None:
    cell = cell.strip()
    return None if cell in MISSING or cell == "NA" else float(cell)


def ees_rows(level: str) -> list[dict]:
    with EES_FILE.open(newline="", encoding="utf-8-sig") as f:
        return [
            r
            for r in csv.DictReader(f)
            if r["geographic_level"] == level
            and r["breakdown"] == "All EHC plans issued"
            and int(r["time_period"]) in NATIONAL
        ]


def published(row: dict) -> Timeliness:
    return Timeliness(
        "plans_within_20_weeks",
        denominator=count(row["plans_issued_den"]),
        within=count(row["plans_issued_within_20_weeks"]),
        denominator_ex=count(row["plans_issued_den_ex"]),
        within_ex=count(row["plans_issued_20_weeks_ex"]),
    )


def records_for(t: Timeliness, year: int, seed: int = 0) -> list[dict]:
    """Plain step records (as JSON from `highneeds deadlines`) with exactly these counts."""
    ex_total = t.denominator - t.denominator_ex
    ex_within = t.within - t.within_ex
    assert 0 <= ex_within <= ex_total and 0 <= t.within_ex <= t.denominator_ex
    groups = [
        (t.within_ex, True, []),
        (t.denominator_ex - t.within_ex, False, []),
        (ex_within, True, ["PERSONAL_CIRCS"]),
        (ex_total - ex_within, False, ["ABSENT_AREA"]),
    ]
    out = []
    n = seed
    for size, on_time, exceptions in groups:
        for _ in range(size):
            done = date(year, 1, 1) + timedelta(days=n % 365)
            start = done - timedelta(days=100 if on_time else 141 + n % 300)
            out.append(
                {
                    "step": "final_plan",
                    "start": start.isoformat(),
                    "due": (start + timedelta(days=140)).isoformat(),
                    "done": done.isoformat(),
                    "status": "met" if on_time else "missed",
                    "exceptions": exceptions,
                }
            )
            n += 1
    return out


# -- the published figures ---------------------------------------------------------------------------


@needs_data
def test_national_rows_are_the_domain_fixtures_and_our_rounding_reproduces_them():
    for row in ees_rows("National"):
        year = int(row["time_period"])
        t = published(row)
        assert (share(row["pc_plans_issued_within_20_weeks"]), share(row["PC_plans_issued_20_weeks_ex"])) == NATIONAL[
            year
        ]
        assert (t.pct, t.pct_ex) == NATIONAL[year]


@needs_data
def test_la_sums_reproduce_the_national_figures():
    """Data README check 2: sum LA numerators and denominators (never average percentages)."""
    national = {int(r["time_period"]): published(r) for r in ees_rows("National")}
    by_year: dict[int, list[Timeliness]] = {}
    for row in ees_rows("Local authority"):
        by_year.setdefault(int(row["time_period"]), []).append(published(row))
    for year, parts in by_year.items():
        total = combine(parts)
        assert total == national[year]
        assert (total.pct, total.pct_ex) == NATIONAL[year]


@needs_data
def test_the_definitions_over_plain_records_reproduce_every_la_and_the_nation():
    """Build per-plan records carrying exactly each LA's published counts, run the measure over
    them, and get back each LA's published percentages and the national ones."""
    by_year: dict[int, list[Timeliness]] = {}
    mismatched = []
    for n, row in enumerate(ees_rows("Local authority")):
        year = int(row["time_period"])
        got = plans_within_20_weeks(records_for(published(row), year, seed=n), year)
        assert (got.denominator, got.within, got.denominator_ex, got.within_ex) == (
            count(row["plans_issued_den"]),
            count(row["plans_issued_within_20_weeks"]),
            count(row["plans_issued_den_ex"]),
            count(row["plans_issued_20_weeks_ex"]),
        )
        if (got.pct, got.pct_ex) != (
            share(row["pc_plans_issued_within_20_weeks"]),
            share(row["PC_plans_issued_20_weeks_ex"]),
        ):
            mismatched.append((row["la_name"], year))
        by_year.setdefault(year, []).append(got)
    assert mismatched == []
    for year, parts in by_year.items():
        assert (combine(parts).pct, combine(parts).pct_ex) == NATIONAL[year]


@needs_data
def test_clock_results_reproduce_2021_national():
    """61,269 cases put through the clock itself: 57.9% including, 59.9% excluding exceptions."""
    (row,) = [r for r in ees_rows("National") if r["time_period"] == "2021"]
    t = published(row)
    cases = []
    # (how many, on time?, exception): on time is 60..140 days from request to plan, late 141..440.
    plan = [
        (t.within_ex, True, None),
        (t.denominator_ex - t.within_ex, False, None),
        (t.within - t.within_ex, True, "PERSONAL_CIRCS"),
        (t.denominator - t.denominator_ex - (t.within - t.within_ex), False, "ABSENT_AREA"),
    ]
    n = 0
    for size, on_time, code in plan:
        for _ in range(size):
            final = date(2021, 1, 1) + timedelta(days=n % 365)
            received = final - timedelta(days=60 + n % 81 if on_time else 141 + n % 300)
            case = {
                "request_received": received.isoformat(),
                "events": [
                    {
                        "type": "decision_to_assess",
                        "date": (received + timedelta(days=30)).isoformat(),
                        "outcome": "assess",
                    },
                    {"type": "draft_plan_sent", "date": (final - timedelta(days=20)).isoformat()},
                    {"type": "final_plan_issued", "date": final.isoformat()},
                ],
            }
            if code:
                start = received + timedelta(days=10)
                case["exceptions"] = [
                    {"type": code, "from": start.isoformat(), "to": (start + timedelta(days=40)).isoformat()}
                ]
            cases.append(case)
            n += 1
    results = compute_many(cases)
    assert all(r.ok for r in results)
    got = plans_within_20_weeks(results, 2021)
    assert (got.denominator, got.within, got.denominator_ex, got.within_ex) == (
        t.denominator,
        t.within,
        t.denominator_ex,
        t.within_ex,
    )
    assert (got.pct, got.pct_ex) == NATIONAL[2021]
    assert got.late_within_year + got.over_a_year == t.denominator - t.within
    # Nothing issued in 2020 or 2022 is counted in 2021.
    assert plans_within_20_weeks(results, 2020).denominator == 0


@needs_data
def test_dashboard_shows_the_excluding_exceptions_measure_and_its_las_sum_to_national():
    """The DfE dashboard's "% of EHCPs issued within 20 weeks" is, LA by LA, the EES *excluding
    exceptions* percentage; its `new_all_ehc` column is plans issued from assessments, not that
    measure's denominator. Numerators recovered from its percentages with the EES excluding-
    exceptions denominators sum to the national 60.4%, 58.0% and 59.9%."""
    ees = {(r["time_period"], r["old_la_code"]): r for r in ees_rows("Local authority")}
    with DASHBOARD_FILE.open(newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if int(r["time_period"]) in NATIONAL]
    national = {
        int(r["time_period"]): share(r["% of EHCPs issued within 20 weeks"])
        for r in rows
        if r["geographic_level"] == "National"
    }
    assert national == {y: ex for y, (_, ex) in NATIONAL.items()}
    parts: dict[int, list[Timeliness]] = {}
    missing = []
    for r in rows:
        if r["geographic_level"] != "Local authority":
            continue
        e = ees[(r["time_period"], r["old_la_code"])]
        p = share(r["% of EHCPs issued within 20 weeks"])
        if p is None:
            missing.append(r["la_name"])  # missing, not zero: left out of numerator and denominator
            continue
        assert p == share(e["PC_plans_issued_20_weeks_ex"]), (r["la_name"], r["time_period"])
        den = count(e["plans_issued_den_ex"])
        candidates = [k for k in range(den + 1) if percent(k, den) == p]
        within = min(candidates, key=lambda k: abs(k - p * den / 100))
        parts.setdefault(int(r["time_period"]), []).append(
            Timeliness("plans_within_20_weeks", den, within, den, within)
        )
    assert missing == ["Isles of Scilly"]
    for year, ps in parts.items():
        assert combine(ps).pct_ex == NATIONAL[year][1]


# -- the definitions on small, exact examples ----------------------------------------------------------


def step(name, start, due, done, exceptions=()):
    return {"step": name, "start": start, "due": due, "done": done, "exceptions": list(exceptions)}


def test_including_and_excluding_exceptions():
    recs = [
        step("final_plan", "2021-01-01", "2021-05-21", "2021-05-21"),  # on the due day: within
        step("final_plan", "2021-01-01", "2021-05-21", "2021-05-22"),  # a day late
        step("final_plan", "2021-01-01", "2021-05-21", "2021-05-01", ["PERSONAL_CIRCS"]),  # within, excepted
        step("final_plan", "2021-01-01", "2021-05-21", "2021-09-01", ["ABSENT_AREA"]),  # late, excepted
        step("final_plan", "2021-01-01", "2021-05-21", None),  # not issued: not counted
        step("advice:health", "2021-01-01", "2021-02-12", "2021-02-01"),
    ]  # another step: ignored
    got = plans_within_20_weeks(recs, 2021)
    assert (got.denominator, got.within, got.denominator_ex, got.within_ex) == (4, 2, 2, 1)
    assert (got.pct, got.pct_ex, got.with_exceptions) == (50.0, 50.0, 2)


def test_bands_beyond_twenty_weeks():
    start = date(2020, 1, 1)
    recs = [
        step(
            "final_plan",
            start.isoformat(),
            (start + timedelta(days=140)).isoformat(),
            (start + timedelta(days=d)).isoformat(),
            ex,
        )
        for d, ex in [(141, []), (364, []), (365, []), (365, ["PERSONAL_CIRCS"]), (200, ["PERSONAL_CIRCS"])]
    ]
    got = plans_within_20_weeks(recs, (date(2020, 1, 1), date(2021, 12, 31)))
    assert (got.late_within_year, got.over_a_year) == (3, 2)
    assert (got.late_within_year_ex, got.over_a_year_ex) == (2, 1)
    day_one = plans_within_20_weeks(recs, (date(2020, 1, 1), date(2021, 12, 31)), receipt_is_day_one=True)
    assert (day_one.late_within_year, day_one.over_a_year) == (2, 3)  # 364 days is past the 52-week point


def test_period_basis_and_clock_results_of_every_shape():
    a = compute_case(
        {
            "request_received": "2023-12-01",
            "events": [
                {"type": "decision_to_assess", "date": "2024-01-20", "outcome": "assess"},
                {"type": "decision_not_to_issue", "date": "2024-03-01"},
            ],
        }
    )
    b = compute_case(
        {
            "request_received": "2024-02-01",
            "events": [{"type": "decision_to_assess", "date": "2024-03-30", "outcome": "not_assess"}],
        },
    )
    c = compute_case(
        {
            "request_received": "2024-01-05",
            "events": [{"type": "decision_to_assess", "date": "2024-02-20", "outcome": "not_assess"}],
        }
    )
    for shape in ([a, b, c], [a.as_json(), b.as_json(), c.as_json()], [s for r in (a, b, c) for s in r.deadlines]):
        six = decisions_within_6_weeks(shape, 2024)  # by request date: b and c
        assert (six.denominator, six.within) == (2, 0)
        assert decisions_within_6_weeks(shape, 2024, basis="done").denominator == 3
        sixteen = not_issue_within_16_weeks(shape, 2024)
        assert (sixteen.denominator, sixteen.within, sixteen.pct) == (1, 1, 100.0)
    assert plans_within_20_weeks([a, b, c], 2024).pct is None


def test_excepted_decisions_leave_the_excluding_measure():
    late = compute_case(
        {
            "request_received": "2024-01-10",
            "events": [{"type": "decision_to_assess", "date": "2024-03-01", "outcome": "not_assess"}],
            "exceptions": [{"type": "PERSONAL_CIRCS", "from": "2024-02-01", "to": "2024-02-10"}],
        }
    )
    got = decisions_within_6_weeks([late], 2024)
    assert (got.denominator, got.within, got.denominator_ex, got.within_ex) == (1, 0, 0, 0)
    assert got.pct == 0.0 and got.pct_ex is None


def test_percent_rounds_halves_up_like_the_dfe():
    assert percent(1, 16) == 6.3  # 6.25: banker's rounding would give 6.2
    assert percent(1, 8) == 12.5
    assert percent(0, 5) == 0.0
    assert percent(3, 0) is None


def test_combining_needs_the_same_measure():
    with pytest.raises(ValueError):
        Timeliness("a", 1, 1) + Timeliness("b", 1, 1)
    with pytest.raises(ValueError):
        combine([])
    assert combine([Timeliness("a", 2, 1, 1, 1), Timeliness("a", 2, 2, 2, 2)]) == Timeliness("a", 4, 3, 3, 3)


def test_calendar_year_and_bad_basis():
    assert calendar_year(2021) == (date(2021, 1, 1), date(2021, 12, 31))
    with pytest.raises(ValueError):
        plans_within_20_weeks([], 2021, basis="issued")
