"""docs/cli.md is what the command itself says: regenerate it when a command changes."""

from pathlib import Path

from django.conf import settings


def test_docs_cli_md_is_current(monkeypatch):
    from highneeds.cli.reference import markdown

    monkeypatch.setenv("COLUMNS", "100")
    expected = markdown()
    actual = (Path(settings.PROJECT_DIR) / "docs" / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli.md is stale: python -m highneeds.cli.reference > docs/cli.md"
    for words in ("highneeds user create", "highneeds jobs list", "highneeds clock chase", "highneeds token revoke"):
        assert f"`{words}`" in actual
