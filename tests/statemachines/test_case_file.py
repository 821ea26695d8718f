"""Notes, tasks and contacts as a stateful test with every role: only the SEND team writes, notes are never
changed (a correction is a new note), a task is done once, and each write is one audit event."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule, run_state_machine_as_test

from highneeds.audit.models import AuditEvent
from highneeds.records import queries, services
from highneeds.records.models import Contact, Note, Task

from .harness import (
    SETTINGS,
    STAFF,
    TODAY,
    ProcessMachine,
    make_child,
    mostly_staff,
    setup,
)

CASE_FILE_ACTIONS = ("note.add", "task.add", "task.done", "contact.log")


class CaseFile(ProcessMachine):
    @initialize()
    def start(self):
        self.child = make_child(self.users, school=self.school)
        self.notes: dict[int, str] = {}  # id -> text as written
        self.open: set[int] = set()
        self.done: set[int] = set()
        self.contacts = 0
        self.writes = AuditEvent.objects.filter(action__in=CASE_FILE_ACTIONS).count()

    def _as(self, role, call):
        try:
            result = call(self.users[role])
        except PermissionDenied:
            assert role not in STAFF, f"{role} was refused"
            return None
        assert role in STAFF, f"{role} wrote to the case file"
        self.writes += 1
        return result

    @rule(role=mostly_staff, text=st.sampled_from(["Called school.", "Parent emailed.", "  "]))
    def write_note(self, role, text):
        try:
            note = self._as(role, lambda actor: services.add_note(actor=actor, child=self.child, text=text))
        except ValidationError as error:
            assert not text.strip() and "text" in error.message_dict
            return
        if note:
            self.notes[note.pk] = text.strip()

    @rule(role=mostly_staff, data=st.data())
    def correct_note(self, role, data):
        if not self.notes:
            return
        target = Note.objects.get(pk=data.draw(st.sampled_from(sorted(self.notes))))
        note = self._as(
            role, lambda actor: services.add_note(actor=actor, child=self.child, text="Correction.", corrects=target)
        )
        if note:
            self.notes[note.pk] = "Correction."

    @rule(
        role=mostly_staff,
        assignee=st.sampled_from(["caseworker", "manager", "parent", "senco"]),
        days=st.integers(min_value=-10, max_value=10),
    )
    def set_task(self, role, assignee, days):
        try:
            task = self._as(
                role,
                lambda actor: services.add_task(
                    actor=actor,
                    child=self.child,
                    title="Chase advice",
                    due_on=TODAY + timedelta(days=days),
                    assigned_to=self.users[assignee],
                ),
            )
        except ValidationError as error:
            assert assignee not in STAFF and "assigned_to" in error.message_dict
            return
        if task:
            self.open.add(task.pk)

    @rule(role=mostly_staff, data=st.data())
    def finish_task(self, role, data):
        if not (self.open or self.done):
            return
        pk = data.draw(st.sampled_from(sorted(self.open | self.done)))
        task = Task.objects.get(pk=pk)
        try:
            done = self._as(role, lambda actor: services.complete_task(actor=actor, task=task))
        except ValidationError:
            assert pk in self.done
            return
        if done:
            assert pk in self.open
            self.open.discard(pk)
            self.done.add(pk)

    @rule(role=mostly_staff)
    def log_call(self, role):
        if self._as(
            role,
            lambda actor: services.log_contact(
                actor=actor,
                child=self.child,
                kind="call",
                with_whom="Parent",
                occurred_at=timezone.now(),
                summary="Called.",
            ),
        ):
            self.contacts += 1

    @invariant()
    def case_file_matches(self):
        if not hasattr(self, "child"):
            return
        assert dict(Note.objects.filter(child=self.child).values_list("pk", "text")) == self.notes
        still_open = set(Task.objects.filter(child=self.child, done_at__isnull=True).values_list("pk", flat=True))
        assert still_open == self.open
        for role in STAFF:  # the My tasks list is the open tasks assigned to that person
            mine = set(queries.open_tasks(self.users[role]).filter(child=self.child).values_list("pk", flat=True))
            assert mine <= self.open
        assert Contact.objects.filter(child=self.child).count() == self.contacts
        assert AuditEvent.objects.filter(action__in=CASE_FILE_ACTIONS).count() == self.writes


@pytest.mark.django_db
def test_case_file_machine():
    setup(CaseFile)
    run_state_machine_as_test(CaseFile, settings=SETTINGS)
