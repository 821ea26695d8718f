"""Without the shared public data folder the forecast pages say so plainly: never a server path in the HTML."""

from __future__ import annotations

import html
import logging

import pytest

from .conftest import settled

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
PLAIN = "The public data files are not installed: ask your administrator (docs/forecast.md)"


@pytest.fixture
def no_data(settings, tmp_path):
    missing = tmp_path / "secret-server-folder" / "data"
    settings.SHARED_DATA_DIR = missing
    return missing


@pytest.mark.parametrize("path", ["/planning/", "/planning/neighbours/"])
def test_a_missing_data_folder_is_named_plainly_without_its_path(
    client, make_user, small_council, no_data, path, caplog
):
    user = make_user("finance")
    client.login(username=user.username, password=PASSWORD)
    with caplog.at_level(logging.WARNING):
        response = settled(client, path)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert PLAIN in page
    assert "secret-server-folder" not in page and str(no_data) not in page
    assert "secret-server-folder" in caplog.text  # the detail is logged for the administrator
