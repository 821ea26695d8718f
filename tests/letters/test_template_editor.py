"""The template editor: fields listed, preview with a synthetic child, version history and restore, all audited."""

from __future__ import annotations

from highneeds.audit.models import AuditEvent
from highneeds.letters.models import LetterTemplate, LetterTemplateVersion

URL = "/letters/request_withdrawn/"


def _signed_in(client, make_user, role="manager"):
    user = make_user(role)
    client.force_login(user)
    return user


def test_the_editor_lists_the_fields_and_previews_with_a_made_up_child(client, make_user):
    _signed_in(client, make_user)
    page = client.get(URL).content.decode()
    assert "{{ child.full_name }}" in page and "{{ request.reference }}" in page and "{{ withdrawn_on }}" in page
    response = client.post(
        URL,
        {
            "subject": "Withdrawn: {{ child.full_name }}",
            "body": "Dear {{ recipient }}, withdrawn on {{ withdrawn_on|govuk_date }}",
            "preview": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Withdrawn: Alex Sample" in page and "withdrawn on 20 March 2026" in page
    assert not LetterTemplate.objects.exists()  # a preview saves nothing
    assert AuditEvent.objects.filter(action="letter.template.preview").exists()


def test_a_misspelt_field_is_refused_on_the_page_naming_the_line(client, make_user):
    _signed_in(client, make_user)
    response = client.post(URL, {"subject": "Withdrawn", "body": "Dear {{ recipient }},\n\n{{ chlid.name }}"})
    page = response.content.decode()
    assert "line 3" in page and "chlid" in page and "<title>Error:" in page
    assert not LetterTemplate.objects.exists()


def test_versions_are_kept_and_an_earlier_one_restored(client, make_user):
    manager = _signed_in(client, make_user)
    for n in (1, 2):
        client.post(URL, {"subject": f"Version {n}", "body": "Dear {{ recipient }}"})
    versions = list(LetterTemplateVersion.objects.filter(code="request_withdrawn").order_by("pk"))
    assert [v.subject for v in versions] == ["Version 1", "Version 2"]
    page = client.get(URL).content.decode()
    assert "Version 1" in page and "Restore this version" in page
    response = client.post(f"{URL}restore/", {"version": versions[0].pk})
    assert response.status_code == 302
    assert LetterTemplate.objects.get(code="request_withdrawn").subject == "Version 1"
    event = AuditEvent.objects.get(action="letter.template.restore")
    assert event.actor_id == manager.pk and event.after["restored_from"] == versions[0].pk
    client.post(f"{URL}restore/", {"version": "supplied"})
    assert "withdrawn" in LetterTemplate.objects.get(code="request_withdrawn").subject


def test_restore_refuses_another_templates_version_and_nonsense(client, make_user):
    _signed_in(client, make_user)
    client.post("/letters/request_acknowledgement/", {"subject": "Other", "body": "Dear {{ recipient }}"})
    other = LetterTemplateVersion.objects.get()
    for version in (other.pk, "", "abc", "9" * 40, -1):
        assert client.post(f"{URL}restore/", {"version": version}).status_code == 404
    assert client.get(f"{URL}restore/").status_code == 404
    assert client.post("/letters/no_such_letter/restore/", {"version": "supplied"}).status_code == 404


def test_only_managers_and_administrators_edit(client, make_user):
    for role in ("caseworker", "parent", "panel_member"):
        _signed_in(client, make_user, role)
        assert client.get(URL).status_code == 403
        assert client.post(f"{URL}restore/", {"version": "supplied"}).status_code == 403


def test_a_template_that_no_longer_fills_in_is_flagged(client, make_user):
    LetterTemplate.objects.create(
        code="request_withdrawn",
        name="Request withdrawn",
        subject="Old",
        body="Dear {{ recipient }}\n{{ request.caseworker.email }}",
    )
    _signed_in(client, make_user)
    assert "Needs fixing" in client.get("/letters/").content.decode()
    page = client.get(URL).content.decode()
    assert "no longer fills in" in page and "line 2" in page
