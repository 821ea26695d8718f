"""The family pages' one wording switch: a young person reading their own record is "you"; anyone else reads the
child's name."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from highneeds.accounts.roles import Role
from highneeds.people.voice import voice_for

names = st.text(alphabet=st.characters(categories=("L",)), min_size=1, max_size=20)


def child(pk, first, preferred=""):
    return SimpleNamespace(pk=pk, first_name=first, preferred_name=preferred)


@given(first=names, preferred=st.one_of(st.just(""), names), role=st.sampled_from(sorted(Role.LABELS)))
def test_only_a_young_person_on_their_own_record_is_you(first, preferred, role):
    user = SimpleNamespace(role=role, child_id=7)
    own, other = voice_for(user, child(7, first, preferred)), voice_for(user, child(8, first, preferred))
    name = preferred or first
    assert own.own == (role == Role.YOUNG_PERSON)
    assert (own.whose, own.who) == (("your", "you") if own.own else (f"{name}'s", name))
    assert not other.own and other.whose == f"{name}'s"
    assert other.says("you want", f"{name} wants") == f"{name} wants"


def test_pages_about_all_the_familys_children():
    assert voice_for(SimpleNamespace(role=Role.PARENT, child_id=None)).Whose == "Your child's"
    assert voice_for(SimpleNamespace(role=Role.YOUNG_PERSON, child_id=3)).Whose == "Your"
    assert voice_for(None).Whose == "Your child's"
