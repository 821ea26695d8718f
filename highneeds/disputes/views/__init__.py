"""Disagreements pages, one module per page group: the overview of what is due, a child's disagreements and their
letters (`pages`), a form per step (`steps`), and new records on a child with the settings page (`new_records`).
urls.py names the views from here.

Every step is a row in a table (as on the casework case page): the child page lists the steps open
for each record, and one view per kind of record shows and saves the step's form."""

from .new_records import new_cessation, new_complaint, new_notice, settings_page
from .pages import child_page, letter, overview
from .steps import (
    APPEAL_STEPS,
    CESSATION_STEPS,
    COMPLAINT_STEPS,
    NOTICE_STEPS,
    ORDER_STEPS,
    appeal_step,
    cessation_step,
    complaint_step,
    notice_step,
    order_step,
)

__all__ = [
    "APPEAL_STEPS",
    "CESSATION_STEPS",
    "COMPLAINT_STEPS",
    "NOTICE_STEPS",
    "ORDER_STEPS",
    "appeal_step",
    "cessation_step",
    "child_page",
    "complaint_step",
    "letter",
    "new_cessation",
    "new_complaint",
    "new_notice",
    "notice_step",
    "order_step",
    "overview",
    "settings_page",
]
