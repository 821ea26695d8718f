"""Helpers for browser journeys (import them, or use the fixtures of the same name in conftest)."""

from __future__ import annotations

import re

# make_user() in tests/conftest.py gives every user this password.
PASSWORD = "correct horse battery staple"


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real form at /sign-in/ and wait until the home page has loaded."""
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/(\?.*)?$"))
    page.wait_for_load_state("load")
