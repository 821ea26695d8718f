"""Files a task made once and keeps (an issued plan's PDF): served as kept, never rendered again.

Kept in the database, like the task queue, so every web process and worker sees the same file (no local disk).
"""

from django.db import models


class KeptFile(models.Model):
    key = models.CharField(max_length=200, unique=True)  # what it was made from, e.g. "plan-version:12:plan"
    content = models.BinaryField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
