"""The day-one screenshot harness saves under the role and a safe name, and refuses an inaccessible page."""

from __future__ import annotations

import pytest

from . import screens


def test_look_saves_a_screenshot_under_the_role(page, live_server, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("HIGHNEEDS_SCREENSHOTS", str(tmp_path))
    page.goto(f"{live_server.url}/sign-in/")
    path = screens.look(page, "Panel member", "Sign in / first page")
    assert path == tmp_path / "panel-member" / "sign-in-first-page.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screens.saved() == [path]


def test_look_fails_on_a_serious_violation(page, live_server, tmp_path, monkeypatch):
    monkeypatch.setenv("HIGHNEEDS_SCREENSHOTS", str(tmp_path))
    page.set_content("<html lang='en'><body><main><img src='x.png'></main></body></html>")
    with pytest.raises(AssertionError):
        screens.look(page, "parent", "broken")
    assert screens.saved() == []
