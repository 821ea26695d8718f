"""A child's case file: documents, case notes, tasks and the contact log; and the council's letterhead."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

CATEGORIES = [
    ("report", "Report"),
    ("evidence", "Evidence"),
    ("consent", "Consent"),
    ("letter", "Letter"),
    ("other", "Other"),
]
# Who may see a document, widest last: each audience includes the ones before it.
COUNCIL, PROFESSIONALS, FAMILY = "council", "professionals", "family"
AUDIENCES = [
    (COUNCIL, "Council SEND team only"),
    (PROFESSIONALS, "Council, the child's school and invited professionals"),
    (FAMILY, "Shared with the family too"),
]
SCAN_STATUSES = [("clean", "Scanned: no virus found"), ("not_scanned", "Not scanned: no virus scanner installed")]
CONTACT_KINDS = [
    ("call", "Phone call"),
    ("email", "Email"),
    ("meeting", "Meeting"),
    ("letter", "Letter"),
    ("other", "Other"),
]


def _upload_to(instance, filename: str) -> str:
    # Never the uploaded name (it may hold personal data or path tricks); the storage makes it unique.
    return timezone.now().strftime("documents/%Y/%m/doc") + instance.extension


class Document(models.Model):
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="documents")
    request = models.ForeignKey(
        "casework.AssessmentRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=CATEGORIES)
    audience = models.CharField(max_length=20, choices=AUDIENCES, default=COUNCIL)
    file = models.FileField(upload_to=_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=20, choices=SCAN_STATUSES)
    scanned_by = models.CharField(max_length=80, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # The letter this document is the filed copy of (one PDF per letter).
    letter = models.OneToOneField(
        "letters.Letter", null=True, blank=True, on_delete=models.SET_NULL, related_name="filed_copy"
    )
    # Soft delete: the row stays (who deleted it, when, why); the file goes once the retention rule allows
    # (records.services.purge_document), and then purged_at is set.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deletion_reason = models.TextField(blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["purged_at", "deleted_at"])]

    @property
    def is_statutory(self) -> bool:
        """A letter filed on the record is the statutory copy of what was sent: never deleted."""
        return self.category == "letter" or self.letter_id is not None


class Note(models.Model):
    """Case notes are append-only: a correction is a new note that says which note it corrects;
    the original stays on the record as written."""

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="case_notes")
    request = models.ForeignKey(
        "casework.AssessmentRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="case_notes"
    )
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")

    class Meta:
        ordering = ["-written_at", "-id"]


class Task(models.Model):
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="tasks")
    request = models.ForeignKey(
        "casework.AssessmentRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["assigned_to", "done_at", "due_on"])]


class Contact(models.Model):
    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="contacts")
    request = models.ForeignKey(
        "casework.AssessmentRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    kind = models.CharField(max_length=10, choices=CONTACT_KINDS)
    with_whom = models.CharField(max_length=200)
    occurred_at = models.DateTimeField()
    summary = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]


class Letterhead(models.Model):
    """A single row: what a printed letter carries. The council's name comes from CouncilSettings."""

    address = models.TextField(blank=True, help_text="One line each")
    telephone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    # This service's own address, so paths in letters ("/portal/plans/12/") print as full links.
    service_url = models.URLField(blank=True)
    # Through the default storage (like documents), never a local path.
    logo = models.FileField(upload_to="letterhead/logo", blank=True, max_length=255)
    logo_type = models.CharField(max_length=40, blank=True)
    # Empty: letters are signed by the person who sent them, with their role.
    signatory_name = models.CharField(max_length=120, blank=True)
    signatory_role = models.CharField(max_length=120, blank=True)

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> Letterhead:
        return cls.objects.filter(pk=1).first() or cls(pk=1)
