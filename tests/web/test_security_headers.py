"""Content-Security-Policy (django-csp) on every page: inline scripts and styles only with the page's nonce."""

from __future__ import annotations

import re

import pytest

from tests.security.test_every_route import WEB


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_has_the_policy_and_no_signed_in_page_is_cached(client, make_user):
    """The class for both headers: every route, as a signed-in user, whatever the status."""
    client.force_login(make_user("caseworker"))
    for path in sorted({p for p, _ in WEB}):
        response = client.get(path)
        assert "default-src 'self'" in response["Content-Security-Policy"], path
        assert response["Cache-Control"] == "no-store", path


@pytest.mark.parametrize("path", ["/sign-in/", "/accessibility/", "/no-such-page/"])
def test_public_pages_have_a_strict_policy(client, db, path):
    csp = policy(client.get(path))
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert "'unsafe-inline'" not in csp["style-src"]


def inline_elements_carry_the_nonce(response) -> None:
    body = response.content.decode()
    nonces = {v for v in policy(response).get("script-src", []) if v.startswith("'nonce-")}
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", body):
        if "src=" in tag or 'type="application/json"' in tag:
            continue
        nonce = re.search(r'nonce="([^"]*)"', tag)
        assert nonce and f"'nonce-{nonce.group(1)}'" in nonces, (response.request["PATH_INFO"], tag)


def test_every_inline_script_and_style_on_a_page_has_the_nonce(client, make_user, make_child):
    user, child = make_user("manager"), make_child()
    client.force_login(user)
    for path in (
        "/",
        f"/children/{child.pk}/",
        "/sign-in/",
        "/panels/",
        "/planning/",
        "/users/locked/",
        "/sign-in/authenticator/",
    ):
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            inline_elements_carry_the_nonce(response)


def test_no_template_has_an_inline_script_or_style_without_a_nonce():
    """The class: a <style> or inline <script> without the nonce is blocked by the policy, in any template."""
    from pathlib import Path

    import highneeds

    root = Path(highneeds.__file__).parent
    bad = []
    for template in root.glob("*/jinja2/**/*.html"):
        text = template.read_text()
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
            if "src=" in tag or "nonce=" in tag or "application/json" in tag:
                continue
            bad.append(f"{template.relative_to(root)}: {tag}")
    # Print-only templates (PDF, the standalone one-page profile with its own policy) are rendered without a request.
    allowed = {
        "plans/jinja2/plans/document.html",
        "plans/jinja2/plans/profile.html",
        "panels/jinja2/panels/pack.html",
        "records/jinja2/records/letter_print.html",
    }
    assert [b for b in bad if b.split(":")[0] not in allowed] == []
