"""Browser tests: Playwright (Python, sync API) driving Debian's Chromium against pytest-django's live server.

`playwright install` cannot download browsers here, so we launch the system Chromium at /usr/bin/chromium
(`apt-get install chromium`; .ci/run installs it). A missing browser is an error, not a skip: a skipped
accessibility suite looks green.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from . import screens
from .helpers import sign_in

# Playwright's sync API runs an asyncio event loop in the test thread, and Django's ORM refuses to run
# inside one unless told this is deliberate. The tests themselves are plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("HIGHNEEDS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
_HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            config._highneeds_browser_ran = True
    # Start each run with an empty screenshot folder, so what it holds is what this run saw (under xdist the
    # workers share it, so none clears it).
    if getattr(config, "_highneeds_browser_ran", False) and not hasattr(config, "workerinput"):
        shutil.rmtree(screens.folder(), ignore_errors=True)


@pytest.fixture(scope="session")
def playwright_instance():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - the dev extra installs it
        raise RuntimeError("Playwright is not installed: pip install -e '.[dev]'") from exc
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"Chromium not found at {CHROMIUM}. Install Debian's build with `apt-get install -y chromium` "
            "(or set HIGHNEEDS_CHROMIUM); `playwright install` cannot download browsers here."
        )
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    """A fresh browser context per test, so cookies and storage never leak between tests."""
    ctx = browser.new_context(locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def task_worker(live_server):
    """A task worker beside the live server, as `scripts/demo` runs one beside gunicorn (docs/tasks.md)."""
    import threading

    from django.db import connection

    from highneeds.jobs.queue import run_pending

    stop = threading.Event()

    def work():
        try:
            while not stop.wait(0.1):
                run_pending()
        finally:
            connection.close()

    thread = threading.Thread(target=work, name="task-worker", daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=10)


@pytest.fixture
def page(context, live_server, task_worker):
    """A page in its own context; `live_server` (transactional database) runs the app for it.

    Browser console errors and failed same-origin requests (a missing stylesheet, a broken script) are collected
    on `page.problems` for tests that want to assert there were none.
    """
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
    page.on(
        "response",
        lambda r: (
            problems.append(f"HTTP {r.status} {r.url}")
            if r.status >= 400 and r.url.startswith(live_server.url)
            else None
        ),
    )
    page.problems = problems
    yield page
    page.close()


@pytest.fixture(name="sign_in")
def sign_in_fixture():
    """The `sign_in(page, live_server, username, password=PASSWORD)` helper, as a fixture for convenience."""
    return sign_in


@pytest.fixture
def signed_in(page, live_server, make_user):
    """Make a user of `role`, sign them in, and return the user: `user = signed_in("caseworker")`."""

    def _sign_in(role: str, **fields):
        user = make_user(role, **fields)
        sign_in(page, live_server, user.username)
        return user

    return _sign_in
