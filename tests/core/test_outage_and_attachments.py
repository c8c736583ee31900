"""A database outage is a 503 with a clear message, and the service recovers by itself;
long attachment names keep their extension; .txt and .csv attachments are checked for being
text (issue 18, "Found by probing")."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client

from nytte.proposals.files import attachment_name
from nytte.proposals.services import check_attachment


def database_down(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.mark.django_db
def test_pages_answer_503_while_the_database_is_down_and_recover(viewer, programme):
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = programme.get_absolute_url()
    with mock.patch("nytte.core.views.programme_or_404", side_effect=database_down):
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "cannot reach the database" in response.content.decode()
    assert client.get(url).status_code == 200  # back by itself


@pytest.mark.django_db
def test_the_api_answers_503_problem_json_while_the_database_is_down(viewer):
    from nytte.core.actors import SYSTEM
    from nytte.core.services import api_token_create

    _, key = api_token_create(user=viewer, name="t", acting_user=SYSTEM)
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {key}")
    with mock.patch("nytte.api.core.selectors.programme_list", side_effect=database_down):
        response = client.get("/api/v1/programmes")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/programmes").status_code == 200


def test_a_long_attachment_name_keeps_its_extension():
    name = "a" * 300 + ".pdf"
    short = attachment_name(name)
    assert len(short) == 200 and short.endswith(".pdf")
    assert attachment_name("kort.csv") == "kort.csv"
    assert attachment_name(None) == "file"


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("notat.txt", "Hei på deg\n".encode(), True),
        ("tall.csv", "navn;beløp\nNAV;12\n".encode("cp1252"), True),
        ("tall.csv", "navn;beløp\n".encode(), True),
        ("virus.txt", b"MZ\x90\x00\x03\x00\x00\x00", False),
        ("binary.csv", b"abc\x00def", False),
        ("elf.txt", b"\x7fELF\x02\x01\x01", False),
        ("zip.csv", b"PK\x03\x04rest", False),
    ],
)
def test_text_attachments_get_a_content_check(name, content, ok):
    upload = SimpleUploadedFile(name, content, content_type="text/plain")
    if ok:
        check_attachment(upload)
        assert upload.read() == content  # rewound for saving
    else:
        with pytest.raises(ValidationError):
            check_attachment(upload)
