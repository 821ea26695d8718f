from datetime import date

from highneeds.audit.models import AuditEvent
from highneeds.casework.services import submit_request
from highneeds.letters.models import Letter

PASSWORD = "correct horse battery staple"


def test_manager_edits_a_template_and_new_letters_use_it(client, make_user, make_child):
    manager = make_user("manager")
    client.post("/sign-in/", {"username": manager.username, "password": PASSWORD})
    assert "Request received" in client.get("/letters/").content.decode()
    response = client.post(
        "/letters/request_acknowledgement/",
        {"subject": "Thanks for {{ child.first_name }}", "body": "Ref {{ request.reference }} {{ nonsense"},
    )
    assert "Check the letter, line 1" in response.content.decode()
    client.post(
        "/letters/request_acknowledgement/",
        {"subject": "Thanks for {{ child.first_name }}", "body": "Ref {{ request.reference }}"},
    )
    assert AuditEvent.objects.filter(action="letter.template.update").exists()
    child = make_child(first_name="Kit")
    request = submit_request(actor=manager, child=child, received_on=date(2024, 3, 1), source="1")
    letter = Letter.objects.get(request=request)
    assert letter.subject == "Thanks for Kit" and letter.body == f"Ref {request.reference}"


def test_caseworkers_cannot_edit_templates(client, make_user):
    worker = make_user("caseworker")
    client.post("/sign-in/", {"username": worker.username, "password": PASSWORD})
    assert client.get("/letters/").status_code == 403
