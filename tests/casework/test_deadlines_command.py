"""`highneeds deadlines`: JSON in on standard input, due dates out; errors on stderr with exit 1."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

EXAMPLE = {
    "request_received": "2024-01-10",
    "events": [
        {"type": "decision_to_assess", "date": "2024-02-14", "outcome": "assess"},
        {"type": "advice_requested", "date": "2024-02-15", "adviser": "educational_psychology"},
        {"type": "advice_received", "date": "2024-03-20", "adviser": "educational_psychology"},
        {"type": "draft_plan_sent", "date": "2024-05-01"},
        {"type": "final_plan_issued", "date": "2024-05-28"},
    ],
    "exceptions": [{"type": "PERSONAL_CIRCS", "from": "2024-03-01", "to": "2024-03-20"}],
}


def run(monkeypatch, payload, *args):
    text = payload if isinstance(payload, str) else json.dumps(payload)
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("deadlines", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_issue_example(monkeypatch):
    code, out, err = run(monkeypatch, EXAMPLE)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["deadlines"][0] == {
        "step": "decide_whether_to_assess",
        "due": "2024-02-21",
        "done": "2024-02-14",
        "status": "met",
        "exceptions": [],
        "start": "2024-01-10",
    }
    assert [d["step"] for d in data["deadlines"]] == [
        "decide_whether_to_assess",
        "advice:educational_psychology",
        "earliest_finalisation",
        "final_plan",
    ]
    assert list(data) == ["clock_start", "withdrawn", "deadlines"]


def test_today_makes_overdue(monkeypatch):
    code, out, _ = run(monkeypatch, {"request_received": "2024-01-10"}, "--today", "2024-03-01", "--compact")
    assert code == 0 and "\n" not in out.strip()
    statuses = {d["step"]: d["status"] for d in json.loads(out)["deadlines"]}
    assert statuses == {"decide_whether_to_assess": "overdue", "notify_not_issue": "pending", "final_plan": "pending"}


def test_impossible_order_is_exit_1_with_the_event_named_on_stderr(monkeypatch):
    bad = dict(
        EXAMPLE,
        events=[
            *EXAMPLE["events"][:3],
            {"type": "final_plan_issued", "date": "2024-04-01"},
            {"type": "draft_plan_sent", "date": "2024-05-01"},
        ],
    )
    code, out, err = run(monkeypatch, bad)
    assert (code, out) == (1, "")
    assert err.strip() == "events[3]: final_plan_issued on 2024-04-01 is before draft_plan_sent on 2024-05-01"


def test_unknown_event_type(monkeypatch):
    code, _, err = run(
        monkeypatch, {"request_received": "2024-01-10", "events": [{"type": "tea_break", "date": "2024-01-11"}]}
    )
    assert code == 1 and err.strip() == "events[0]: unknown event type 'tea_break'"


def test_invalid_json(monkeypatch):
    code, out, err = run(monkeypatch, "{not json")
    assert code == 1 and out == "" and err.startswith("input is not valid JSON")


def test_receipt_day_one_flag_and_rules_file(monkeypatch, tmp_path):
    _, out, _ = run(monkeypatch, {"request_received": "2024-01-10"}, "--receipt-is-day-one")
    assert {d["step"]: d["due"] for d in json.loads(out)["deadlines"]}["final_plan"] == "2024-05-28"
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"advice_receipt_lag_days": 3}))
    case = {
        "request_received": "2024-01-10",
        "events": [
            {"type": "decision_to_assess", "date": "2024-02-14", "outcome": "assess"},
            {"type": "advice_requested", "date": "2024-02-15", "adviser": "health"},
        ],
    }
    _, out, _ = run(monkeypatch, case, "--rules", str(rules))
    assert {d["step"]: d["due"] for d in json.loads(out)["deadlines"]}["advice:health"] == "2024-03-31"
    rules.write_text(json.dumps({"made_up": 1}))
    with pytest.raises(CommandError, match="made_up"):
        run(monkeypatch, case, "--rules", str(rules))


def test_bad_today(monkeypatch):
    with pytest.raises(CommandError, match="--today"):
        run(monkeypatch, EXAMPLE, "--today", "1 June")


def test_bank_holidays_file(monkeypatch, tmp_path):
    path = tmp_path / "extra.json"
    path.write_text(json.dumps(["2031-01-01"]))
    code, _, _ = run(monkeypatch, EXAMPLE, "--bank-holidays", str(path))
    assert code == 0
    path.write_text(json.dumps(["2031-02-30"]))
    with pytest.raises(CommandError, match="--bank-holidays"):
        run(monkeypatch, EXAMPLE, "--bank-holidays", str(path))


def test_a_list_of_cases(monkeypatch):
    good = dict(EXAMPLE, id=1)
    bad = {
        "id": 2,
        "request_received": "2024-01-10",
        "events": [{"type": "advice_received", "date": "2024-02-01", "adviser": "health"}],
    }
    code, out, err = run(monkeypatch, [good, bad])
    assert code == 1
    cases = json.loads(out)["cases"]
    assert cases[0]["id"] == 1 and "deadlines" in cases[0]
    assert cases[1] == {
        "id": 2,
        "errors": ["events[0]: advice_received on 2024-02-01 needs an advice_requested for 'health' before it"],
    }
    assert (
        err.strip()
        == "cases[1].events[0]: advice_received on 2024-02-01 needs an advice_requested for 'health' before it"
    )


def test_input_file_option(monkeypatch, tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(EXAMPLE))
    code, out, _ = run(monkeypatch, "", "--input", str(path))
    assert code == 0 and json.loads(out)["clock_start"] == "2024-01-10"


def test_the_highneeds_entry_point_end_to_end():
    exe = Path(sys.executable).with_name("highneeds")
    if not exe.exists():
        pytest.skip("the highneeds script is not installed in this environment")
    env = {**os.environ, "HIGHNEEDS_TESTING": "1"}
    ok = subprocess.run(
        [str(exe), "deadlines", "--today", "2024-06-30"],
        input=json.dumps(EXAMPLE),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["deadlines"][-1]["status"] == "met"
    bad = subprocess.run(
        [str(exe), "deadlines"],
        input=json.dumps({"events": [{"type": "x", "date": "2024-01-01"}]}),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.splitlines() == [
        "events[0]: unknown event type 'x'",
        "request_received (or responsible_from, for a child who moves in) is required",
    ]


# -- the plan's life ---------------------------------------------------------------------------------

PLAN_LIFE = {
    "date_of_birth": "2012-05-01",
    "events": [
        {"type": "final_plan_issued", "date": "2023-01-31"},
        {"type": "review_meeting_arranged", "date": "2023-12-01", "meeting_on": "2024-01-20"},
        {"type": "review_invitations_sent", "date": "2023-12-10"},
        {"type": "review_advice_circulated", "date": "2024-01-05"},
        {"type": "annual_review_meeting", "date": "2024-01-20"},
        {"type": "review_report_sent", "date": "2024-01-30"},
        {"type": "review_decision", "date": "2024-02-10", "outcome": "amend"},
        {"type": "amendments_proposed", "date": "2024-02-10"},
        {"type": "amended_plan_issued", "date": "2024-04-01"},
        {
            "type": "phase_transfer_identified",
            "date": "2024-03-01",
            "transfer_on": "2025-09-01",
            "transfer": "secondary_to_post16",
        },
        {"type": "reassessment_requested", "date": "2024-05-01"},
        {"type": "reassessment_decision", "date": "2024-05-10", "outcome": "reassess"},
        {"type": "decision_notice_sent", "date": "2024-05-10", "decision": "reassess-content", "matter": "section_f"},
        {"type": "mediation_requested", "date": "2024-05-20", "decision": "reassess-content"},
        {"type": "mediation_held", "date": "2024-06-12", "decision": "reassess-content"},
        {"type": "mediation_certificate_issued", "date": "2024-06-14", "decision": "reassess-content"},
        {"type": "appeal_lodged", "date": "2024-07-01", "decision": "reassess-content"},
    ],
}


def test_every_plan_life_step(monkeypatch):
    code, out, err = run(monkeypatch, PLAN_LIFE, "--today", "2024-07-15")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["clock_start"] is None
    got = {(d["step"], d["start"]): (d["due"], d["done"], d["status"]) for d in data["deadlines"]}
    assert got == {
        ("review_due", "2023-01-31"): ("2024-01-31", "2024-01-20", "met"),
        ("review_due", "2024-01-20"): ("2025-01-20", None, "pending"),
        ("review_invitations", "2023-12-01"): ("2024-01-06", "2023-12-10", "met"),
        ("review_advice", "2023-12-01"): ("2024-01-06", "2024-01-05", "met"),
        ("review_report", "2024-01-20"): ("2024-02-03", "2024-01-30", "met"),
        ("review_decision", "2024-01-20"): ("2024-02-17", "2024-02-10", "met"),
        ("amended_plan", "2024-02-10"): ("2024-04-06", "2024-04-01", "met"),
        ("phase_transfer", "2024-03-01"): ("2025-03-31", None, "pending"),
        ("reassessment_decision", "2024-05-01"): ("2024-05-16", "2024-05-10", "met"),
        ("reassessed_plan", "2024-05-10"): ("2024-08-16", None, "pending"),
        ("mediation_arranged:reassess-content", "2024-05-20"): ("2024-06-19", "2024-06-12", "met"),
        ("mediation_certificate:reassess-content", "2024-06-12"): ("2024-06-17", "2024-06-14", "met"),
        # later of 10 May + 2 months (10 July) and 14 June + 1 month (14 July)
        ("appeal_deadline:reassess-content", "2024-05-10"): ("2024-07-14", "2024-07-01", "met"),
    }


def test_plan_settings_from_a_rules_file(monkeypatch, tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"review_decision_weeks": 6, "under5_review_months": 6}))
    case = {
        "date_of_birth": "2022-01-01",
        "events": [
            {"type": "final_plan_issued", "date": "2024-01-10"},
            {"type": "annual_review_meeting", "date": "2024-07-01"},
        ],
    }
    _, out, _ = run(monkeypatch, case, "--rules", str(rules))
    due = {(d["step"], d["start"]): d["due"] for d in json.loads(out)["deadlines"]}
    assert due[("review_decision", "2024-07-01")] == "2024-08-12"
    assert due[("review_due", "2024-01-10")] == "2024-07-10" and due[("review_due", "2024-07-01")] == "2025-01-01"


def test_an_impossible_plan_order_names_the_event(monkeypatch):
    bad = {
        "events": [
            {"type": "final_plan_issued", "date": "2023-01-31"},
            {"type": "review_decision", "date": "2023-06-01", "outcome": "maintain"},
            {"type": "plan_ceased", "date": "2023-07-31"},
            {"type": "amended_plan_issued", "date": "2023-08-01"},
        ]
    }
    code, out, err = run(monkeypatch, bad)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "events[1]: review_decision on 2023-06-01 needs an annual_review_meeting before it",
        "events[3]: amended_plan_issued on 2023-08-01 is after plan_ceased on 2023-07-31 (events[2]); "
        "nothing may follow it",
        "events[3]: amended_plan_issued on 2023-08-01 needs an amendments_proposed before it",
    ]
