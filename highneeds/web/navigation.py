"""The service navigation each person sees, built from what their permissions allow."""

from __future__ import annotations

ITEMS = [
    # (text, path, permission)
    ("Home", "/", "web.home"),
    ("Work queue", "/cases/", "casework.view_queue"),
    ("Find a child", "/children/", "people.search_children"),
    ("Your requests", "/portal/requests/", "portal.follow_requests"),
    ("My deadlines", "/portal/advice/", "casework.give_advice"),
    ("Panels", "/panels/", "panels.view"),
    ("Reviews", "/reviews/", "reviews.view_tracker"),
    ("Disagreements", "/disputes/", "disputes.view"),
    ("Forecasts", "/planning/", "planning.view_forecast"),
    ("Funding", "/funding/", "funding.view_position"),
    ("Funding statement", "/funding/statement/", "funding.own_statement"),
    ("Apply for a top-up", "/funding/top-ups/apply/", "funding.apply_top_ups"),
    ("Establishments", "/establishments/", "establishments.view"),
    ("Local area figures", "/insight/", "insight.view_aggregates"),
    ("SEN2 return", "/returns/sen2/", "returns.manage"),
    ("Letters", "/letters/", "letters.edit_templates"),
    ("Council settings", "/settings/", "council.change_settings"),
    ("Users", "/users/", "accounts.view_users"),
    ("Locked sign-ins", "/users/locked/", "accounts.unlock_sign_in"),
    ("Audit log", "/audit/", "audit.view_log"),
    ("Background jobs", "/admin/jobs/", "jobs.manage"),
]


def nav_items(request) -> list[dict]:
    user = request.user
    path = request.path
    items = []
    for text, href, perm in ITEMS:
        if user.has_perm(perm):
            active = path == "/" if href == "/" else path.startswith(href)
            items.append({"text": text, "href": href, "active": active})
    # Only the most specific match is current (/users/locked/ is "Locked sign-ins", not also "Users").
    current = max((i for i in items if i["active"]), key=lambda i: len(i["href"]), default=None)
    for item in items:
        item["active"] = item is current
    return items if len(items) > 1 else []
