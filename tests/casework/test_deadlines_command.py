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
    assert data["deadlines"][0] == {"step": "decide_whether_to_assess", "due": "2024-02-21", "done": "2024-02-14",
                                    "status": "met", "exceptions": [], "start": "2024-01-10"}
    assert [d["step"] for d in data["deadlines"]] == ["decide_whether_to_assess", "advice:educational_psychology",
                                                      "earliest_finalisation", "final_plan"]
    assert list(data) == ["clock_start", "withdrawn", "deadlines"]


def test_today_makes_overdue(monkeypatch):
    code, out, _ = run(monkeypatch, {"request_received": "2024-01-10"}, "--today", "2024-03-01", "--compact")
    assert code == 0 and "\n" not in out.strip()
    statuses = {d["step"]: d["status"] for d in json.loads(out)["deadlines"]}
    assert statuses == {"decide_whether_to_assess": "overdue", "notify_not_issue": "pending", "final_plan": "pending"}


def test_impossible_order_is_exit_1_with_the_event_named_on_stderr(monkeypatch):
    bad = dict(EXAMPLE, events=[*EXAMPLE["events"][:3], {"type": "final_plan_issued", "date": "2024-04-01"},
                                {"type": "draft_plan_sent", "date": "2024-05-01"}])
    code, out, err = run(monkeypatch, bad)
    assert (code, out) == (1, "")
    assert err.strip() == "events[3]: final_plan_issued on 2024-04-01 is before draft_plan_sent on 2024-05-01"


def test_unknown_event_type(monkeypatch):
    code, _, err = run(monkeypatch, {"request_received": "2024-01-10", "events": [{"type": "tea_break", "date": "2024-01-11"}]})
    assert code == 1 and err.strip() == "events[0]: unknown event type 'tea_break'"


def test_invalid_json(monkeypatch):
    code, out, err = run(monkeypatch, "{not json")
    assert code == 1 and out == "" and err.startswith("input is not valid JSON")


def test_receipt_day_one_flag_and_rules_file(monkeypatch, tmp_path):
    _, out, _ = run(monkeypatch, {"request_received": "2024-01-10"}, "--receipt-is-day-one")
    assert {d["step"]: d["due"] for d in json.loads(out)["deadlines"]}["final_plan"] == "2024-05-28"
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"advice_receipt_lag_days": 3}))
    case = {"request_received": "2024-01-10", "events": [
        {"type": "decision_to_assess", "date": "2024-02-14", "outcome": "assess"},
        {"type": "advice_requested", "date": "2024-02-15", "adviser": "health"}]}
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
    bad = {"id": 2, "request_received": "2024-01-10", "events": [{"type": "advice_received", "date": "2024-02-01",
                                                                  "adviser": "health"}]}
    code, out, err = run(monkeypatch, [good, bad])
    assert code == 1
    cases = json.loads(out)["cases"]
    assert cases[0]["id"] == 1 and "deadlines" in cases[0]
    assert cases[1] == {"id": 2, "errors": [
        "events[0]: advice_received on 2024-02-01 needs an advice_requested for 'health' before it"]}
    assert err.strip() == "cases[1].events[0]: advice_received on 2024-02-01 needs an advice_requested for 'health' before it"


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
    ok = subprocess.run([str(exe), "deadlines", "--today", "2024-06-30"], input=json.dumps(EXAMPLE),
                        capture_output=True, text=True, env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["deadlines"][-1]["status"] == "met"
    bad = subprocess.run([str(exe), "deadlines"], input=json.dumps({"events": [{"type": "x", "date": "2024-01-01"}]}),
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.splitlines() == ["events[0]: unknown event type 'x'",
                                       "request_received (or responsible_from, for a child who moves in) is required"]
