"""Audit actions: Panels. Part of the one registry (`highneeds.audit.labels.ACTIONS`)."""

ACTIONS = {
    "panel.agenda.add": "Put the case on a panel agenda",
    "panel.agenda.remove": "Panel: agenda removed",
    "panel.attendance": "Panel: attendance",
    "panel.conflict.declare": "Panel: conflict declared",
    "panel.create": "Panel: created",
    "panel.meeting.close": "Panel: meeting closed",
    "panel.meeting.schedule": "Panel: meeting scheduled",
    "panel.meeting.view": "Panel: meeting view",
    "panel.member.add": "Panel: member added",
    "panel.member.remove": "Panel: member removed",
    "panel.pack.download": "Panel: pack download",
    "panel.recommendation": "Panel recommended",
}
