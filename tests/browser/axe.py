"""axe-core accessibility checks for Playwright pages.

axe-core comes from npm (package.json pins it); `npm ci` puts it at node_modules/axe-core/axe.min.js.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}

_source: str | None = None


def _axe_source() -> str:
    global _source
    if _source is None:
        if not AXE_JS.exists():
            raise RuntimeError(f"axe-core not found at {AXE_JS}: run `npm ci` in {REPO_ROOT} (package.json pins it)")
        _source = AXE_JS.read_text(encoding="utf-8")
    return _source


def run_axe(page, *, context: str | dict | None = None, tags: list[str] | None = None) -> dict:
    """Run axe on the page as it is now and return its raw results. A click that navigates may still be loading
    the next page when this is called: wait for it and run again, rather than check a half-swapped document."""
    from playwright.sync_api import Error

    options = {"runOnly": {"type": "tag", "values": tags or TAGS}, "resultTypes": ["violations"]}
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            if not page.evaluate("() => typeof window.axe === 'object'"):
                # Evaluate the source rather than add a <script> tag, so a content security policy can't block it.
                page.evaluate(_axe_source())
            return page.evaluate(
                "([context, options]) => window.axe.run(context || document, options)", [context, options]
            )
        except Error as exc:
            navigating = "documentElement" in str(exc) or "context was destroyed" in str(exc)
            if not navigating or attempt == 2:
                raise
    raise AssertionError("unreachable")


def format_violations(violations: list[dict], url: str = "") -> str:
    lines = [f"{len(violations)} accessibility violation(s){' on ' + url if url else ''}:"]
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact')}]: {v['help']} ({v.get('helpUrl', '')})")
        for node in v.get("nodes", []):
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", " ")
            if summary:
                lines.append(f"       {summary}")
            html = (node.get("html") or "").strip()
            if html:
                lines.append(f"       {html[:200]}")
    return "\n".join(lines)


def assert_accessible(page, *, context: str | dict | None = None, impacts: set[str] = FAILING_IMPACTS) -> dict:
    """Fail if axe finds any serious or critical WCAG 2.2 A/AA violation on the page. Returns the results."""
    results = run_axe(page, context=context)
    failing = [v for v in results["violations"] if v.get("impact") in impacts]
    if failing:
        raise AssertionError(format_violations(failing, page.url))
    return results
