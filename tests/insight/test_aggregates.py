"""Local area figures agree with the casework they summarise: every child with an EHC plan is counted once, in the
setting of the placement they are in today, or as having none."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.insight import aggregates
from highneeds.people import services as people

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
TODAY = date(2026, 12, 3)


def test_placements_by_setting_add_up_to_the_children_with_plans(make_child, make_establishment):
    mainstream = make_establishment(establishment_type="MS_LA")
    special = make_establishment(establishment_type="SP_LA")
    pru = make_establishment(establishment_type="AP_PRU")

    def place(child, where, start, end=None, kind="ON_ROLL"):
        people.add_placement(
            actor=SYSTEM, child=child, establishment=where, placement_type=kind, start_date=start, end_date=end
        )

    make_child(sen_status="E", establishment=mainstream)  # placed since 2021
    moved = make_child(sen_status="E")
    place(moved, special, date(2022, 9, 1), TODAY - timedelta(days=30))  # ended last month
    place(moved, pru, TODAY - timedelta(days=29))
    place(make_child(sen_status="E"), special, date(2023, 9, 1), TODAY + timedelta(days=30))  # ends next month
    dual = make_child(sen_status="E")
    place(dual, mainstream, date(2022, 9, 1))
    place(dual, pru, date(2025, 1, 6), kind="DUAL")  # the latest placement names the setting
    make_child(sen_status="E")  # no placement recorded
    place(make_child(sen_status="E"), special, TODAY + timedelta(days=10))  # starts next week: not yet placed
    make_child(sen_status="K", establishment=special)  # SEN support: not in this table

    c = aggregates.counts(TODAY)
    settings = dict(c["settings"])
    assert settings == {
        "Mainstream - LA maintained": 1,
        "Alternative provision or pupil referral unit": 2,
        "Special - LA maintained": 1,
        aggregates.NOT_PLACED: 2,
    }
    assert sum(settings.values()) == c["ehcp"] == 6


def test_no_children_with_plans_says_so(client, make_user, make_child, make_establishment):
    make_child(sen_status="K", establishment=make_establishment(establishment_type="MS_LA"))
    user = make_user("manager")
    client.login(username=user.username, password=PASSWORD)
    page = html.unescape(client.get("/insight/").content.decode())
    assert "Where children with EHC plans are placed" in page and "No placements recorded" in page
