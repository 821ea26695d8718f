"""`highneeds sen2 export | validate | import`: output shapes, exit codes, dry run, idempotence, round trip."""

from __future__ import annotations

import json
import sys

import pytest
from django.core.management import CommandError, call_command

from highneeds.engine.sen2 import model as m
from highneeds.engine.sen2.safexml import parse
from highneeds.engine.sen2.validate import validate_bytes
from highneeds.returns import extract
from tests.engine.sen2.examples import valid_return, variant


def run(*args) -> int:
    """The command as `highneeds sen2 ...` runs it, minus run_from_argv's closing of every database connection
    (that would close the test's own PostgreSQL connection); a CommandError is what the CLI prints and exits 1 on."""
    try:
        call_command("sen2", *args)
    except CommandError as exc:
        print(exc, file=sys.stderr)
        return 1
    except SystemExit as exc:
        return exc.code or 0
    return 0


@pytest.fixture
def valid_file(tmp_path):
    path = tmp_path / "valid.xml"
    path.write_bytes(m.to_xml(valid_return()))
    return path


def test_validate_json_shape_and_exit_0(valid_file, capsys):
    path = valid_file.parent / "query.xml"
    ret = variant(lambda r: setattr(r.persons[0].requests[0].assessments[0], "week20", True))
    path.write_bytes(m.to_xml(ret))
    assert run("validate", str(path), "--format", "json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out == [
        {
            "rule": "SEN2-131",
            "severity": "query",
            "xpath": "/Message/Persons/Person[1]/Requests/Assessment/Week20",
            "field": "Week20",
            "message": out[0]["message"],
        }
    ]


def test_validate_errors_exit_1(tmp_path, capsys):
    path = tmp_path / "bad.xml"
    path.write_bytes(m.to_xml(variant(lambda r: setattr(r.persons[0], "upn", "B123456789012"))))
    assert run("validate", str(path)) == 1
    out = capsys.readouterr().out
    assert "ERROR SEN2-101 /Message/Persons/Person[1]/UPN [UPN]" in out


@pytest.mark.parametrize("content", [b"<Message><Header>", b"<Other/>", b"<Message/>", b"\x00\xff"])
def test_unreadable_file_is_one_line_not_a_traceback(tmp_path, capsys, content):
    path = tmp_path / "broken.xml"
    path.write_bytes(content)
    assert run("validate", str(path)) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_missing_file(capsys):
    assert run("validate", "/nonexistent/sen2.xml") == 1
    assert "cannot read" in capsys.readouterr().err


def test_export_writes_a_file_and_the_gaps(council, tmp_path, capsys):
    out, gaps = tmp_path / "sen2.xml", tmp_path / "gaps.csv"
    assert run("export", "--year", "2027", "--out", str(out), "--gaps", str(gaps)) == 0
    assert parse(out.read_bytes()).findtext("Header/Source/LEA") == "384"
    assert f"{council['lacking'].pk},Dee Gapfield,1 Person,UPN" in gaps.read_text()
    assert "4 persons" in capsys.readouterr().out


def test_import_dry_run_changes_nothing_then_imports_once(db, tmp_path, capsys, make_establishment):
    from highneeds.people.models import Child, Placement
    from highneeds.plans.models import Plan

    make_establishment(urn=100001)
    path = tmp_path / "in.xml"
    path.write_bytes(m.to_xml(valid_return()))
    assert run("import", str(path), "--dry-run") == 0
    assert "Would create: 2 children, 2 requests, 1 plans, 1 placements" in capsys.readouterr().out
    assert Child.objects.count() == 0
    assert run("import", str(path)) == 0
    assert (Child.objects.count(), Plan.objects.count(), Placement.objects.count()) == (2, 1, 1)
    capsys.readouterr()
    assert run("import", str(path)) == 0
    out = capsys.readouterr().out
    assert "Created: " in out and "Already here (unchanged): 2 children, 2 requests, 1 plans" in out
    assert (Child.objects.count(), Plan.objects.count(), Placement.objects.count()) == (2, 1, 1)


def test_import_refuses_a_file_with_errors(db, tmp_path, capsys):
    from highneeds.people.models import Child

    path = tmp_path / "bad.xml"
    path.write_bytes(m.to_xml(variant(lambda r: setattr(r.persons[1], "uln", "1234567890"))))
    assert run("import", str(path)) == 1
    assert "nothing imported" in capsys.readouterr().err and Child.objects.count() == 0


def test_round_trip_import_then_export(db, tmp_path, make_establishment):
    """Import a return, export it again: the same persons, requests, plans and placements."""
    from highneeds.council.models import CouncilSettings

    CouncilSettings.objects.update_or_create(pk=1, defaults={"old_la_code": "384"})
    make_establishment(urn=100001)
    original = valid_return()
    path = tmp_path / "in.xml"
    path.write_bytes(m.to_xml(original))
    assert run("import", str(path)) == 0
    again = extract.build(year=2027, la="384").ret
    assert validate_bytes(m.to_xml(again)) == []
    key = lambda p: p.surname  # noqa: E731
    for before, after in zip(sorted(original.persons, key=key), sorted(again.persons, key=key)):
        assert (after.surname, after.forename, after.birth_date, after.upn, after.uln) == (
            before.surname,
            before.forename,
            before.birth_date,
            before.upn,
            before.uln,
        )
        assert [(r.received_date, r.source, r.outcome, r.outcome_date) for r in after.requests] == [
            (r.received_date, r.source, r.outcome, r.outcome_date) for r in before.requests
        ]
        assert [
            [
                (a.outcome, a.week20, [(p.start_date, p.cease_date, [d.urn for d in p.details]) for p in a.plans])
                for a in r.assessments
            ]
            for r in after.requests
        ] == [
            [
                (a.outcome, a.week20, [(p.start_date, p.cease_date, [d.urn for d in p.details]) for p in a.plans])
                for a in r.assessments
            ]
            for r in before.requests
        ]
        assert [
            [
                (
                    [(d.urn, d.rank, d.entry_date) for d in ap.placements],
                    [(n.code, n.rank) for n in ap.needs],
                    ap.review_meeting,
                    ap.review_outcome,
                )
                for ap in r.active_plans
            ]
            for r in after.requests
        ] == [
            [
                (
                    [(d.urn, d.rank, d.entry_date) for d in ap.placements],
                    [(n.code, n.rank) for n in ap.needs],
                    ap.review_meeting,
                    ap.review_outcome,
                )
                for ap in r.active_plans
            ]
            for r in before.requests
        ]


def test_import_names_the_person_whose_record_is_refused(db, tmp_path, capsys):
    from highneeds.people.models import Child

    path = tmp_path / "bad_postcode.xml"
    path.write_bytes(m.to_xml(variant(lambda r: setattr(r.persons[1], "postcode", "NOT A POSTCODE"))))
    assert run("import", str(path)) == 1
    err = capsys.readouterr().err
    assert "Person 2 (Sam Sample): postcode" in err and "Traceback" not in err
    assert Child.objects.count() == 0


def test_imported_open_request_gets_its_clock(db, tmp_path):
    from highneeds.casework.models import AssessmentRequest

    ret = valid_return()
    ret.persons[1].requests[0].outcome, ret.persons[1].requests[0].outcome_date = "", None
    path = tmp_path / "open.xml"
    path.write_bytes(m.to_xml(ret))
    assert run("import", str(path)) == 0
    request = AssessmentRequest.objects.get(status="pending")
    assert request.submitted_via == "import" and request.next_due is not None and request.deadlines


def test_a_second_live_plan_is_skipped_not_a_crash(db, tmp_path, capsys):
    from datetime import date

    from highneeds.plans.models import Plan

    path = tmp_path / "in.xml"
    path.write_bytes(m.to_xml(valid_return()))
    assert run("import", str(path)) == 0
    moved = variant(lambda r: setattr(r.persons[0].requests[0].assessments[0].plans[0], "start_date", date(2026, 5, 2)))
    path.write_bytes(m.to_xml(moved))
    capsys.readouterr()
    assert run("import", str(path)) == 0
    assert "already has a plan in force" in capsys.readouterr().out
    assert Plan.objects.count() == 1


def test_tables_from_casework(council, capsys):
    assert run("tables", "--year", "2027", "--format", "json") == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["persons"] == 4 and figures["active_plans"] == 2 and figures["new_plans"] == 1
    assert figures["requests"] == {
        "Decided not to assess": 1,
        "Decided to assess": 1,
        "Decision outstanding": 1,
        "Requests received": 3,
    }
    # one plan issued, with an exception: within 20 weeks is 24 weeks here, so 0%; excluding exceptions, none left
    assert figures["timeliness"]["issued"] == 1 and figures["timeliness"]["exceptions"] == 1
    assert figures["timeliness"]["pct_including"] == 0.0 and figures["timeliness"]["pct_excluding"] is None


def test_validate_with_another_years_rules(tmp_path, capsys):
    path = tmp_path / "ds.xml"
    path.write_bytes(
        m.to_xml(variant(lambda r: setattr(r.persons[0].requests[0].active_plans[0], "needs", [m.SENneed("DS", 1)])))
    )
    assert run("validate", str(path)) == 0
    assert run("validate", str(path), "--year", "2024") == 1
    assert "SENtype 'DS' is not in the SENtype code list for 2024" in capsys.readouterr().out
