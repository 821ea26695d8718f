"""Property tests: any return survives writing and reading; the validator never crashes, whatever the items hold."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from highneeds.engine.sen2 import model as m
from highneeds.engine.sen2.safexml import SEN2FileError, parse
from highneeds.engine.sen2.validate import validate_bytes

from .examples import valid_return

days = st.dates(date(1999, 1, 1), date(2027, 1, 21))
flags = st.none() | st.booleans()
codes = st.sampled_from(["", "1", "A", "I", "N", "OTH", "ASD", "DS", "EHE"])
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12).map(str.strip)

details = st.builds(
    m.PlacementDetail,
    urn=st.sampled_from(["", "100001", "123"]),
    sen_setting=codes,
    rank=st.none() | st.integers(1, 3),
    entry_date=st.none() | days,
    sen_unit=flags,
)
named = st.builds(
    m.NamedPlan,
    start_date=st.none() | days,
    cease_date=st.none() | days,
    cease_reason=codes,
    pb=flags,
    details=st.lists(details, max_size=2),
)
assessments = st.builds(
    m.Assessment, outcome=codes, outcome_date=st.none() | days, week20=flags, plans=st.lists(named, max_size=1)
)
actives = st.builds(
    m.ActivePlan,
    transfer_la=st.sampled_from(["", "384"]),
    review_meeting=st.none() | days,
    review_outcome=codes,
    placements=st.lists(details, max_size=2),
    needs=st.lists(st.builds(m.SENneed, code=codes, rank=st.none() | st.integers(1, 3)), max_size=3),
)
requests = st.builds(
    m.Request,
    received_date=st.none() | days,
    source=codes,
    outcome=codes,
    outcome_date=st.none() | days,
    mediation=flags,
    assessments=st.lists(assessments, max_size=1),
    active_plans=st.lists(actives, max_size=1),
)
persons = st.builds(
    m.Person,
    surname=text,
    forename=text,
    birth_date=st.none() | days,
    sex=st.sampled_from(["", "F", "M", "X"]),
    upn=st.sampled_from(["", "A123456789012", "bad"]),
    requests=st.lists(requests, max_size=2),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(persons, max_size=4))
def test_any_return_survives_writing_and_reading(people):
    ret = m.Return(m.Header(year=2027, reference_date=date(2027, 1, 21), la="384"), people)
    again = m.from_tree(parse(m.to_xml(ret)))
    assert again.persons == ret.persons


@settings(max_examples=80, deadline=None)
@given(st.lists(persons, max_size=4))
def test_validation_issues_point_at_real_elements(people):
    ret = m.Return(m.Header(year=2027, reference_date=date(2027, 1, 21), la="384"), people)
    xml = m.to_xml(ret)
    root = parse(xml)
    for issue in validate_bytes(xml):
        assert issue.severity in ("error", "query")
        assert root.getroottree().xpath(issue.xpath), issue


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_any_item_text_is_an_issue_never_a_crash(data):
    root = etree.fromstring(m.to_xml(valid_return()))
    items = [el for el in root.iter() if len(el) == 0 and el.getparent().tag != "CollectionDetails"]
    for el in data.draw(st.lists(st.sampled_from(items), min_size=1, max_size=5)):
        el.text = data.draw(text)
    try:
        validate_bytes(etree.tostring(root))
    except SEN2FileError:
        pass  # e.g. the Source's LEA emptied: still one clear error
