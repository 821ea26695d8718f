"""The review pages, one module per page group: the tracker and a child's history (`tracker`), an annual review's
steps (`annual`), phase transfers (`transfers`), requests to reassess (`reassessments`) and the family's pages
(`family`). `_common` holds the helpers the step pages share. urls.py names the views from here."""

from ._common import MANAGE, PLAIN_STATUS
from .annual import REVIEW_STEPS, review_page, review_step
from .family import contribute, family_review, family_reviews
from .reassessments import REASSESSMENT_STEPS, add_reassessment, reassessment_page, reassessment_step
from .tracker import child_history, schedule, tracker
from .transfers import TRANSFER_STEPS, add_transfer, transfer_page, transfer_step

__all__ = [
    "MANAGE",
    "PLAIN_STATUS",
    "REASSESSMENT_STEPS",
    "REVIEW_STEPS",
    "TRANSFER_STEPS",
    "add_reassessment",
    "add_transfer",
    "child_history",
    "contribute",
    "family_review",
    "family_reviews",
    "reassessment_page",
    "reassessment_step",
    "review_page",
    "review_step",
    "schedule",
    "tracker",
    "transfer_page",
    "transfer_step",
]
