"""A first ``nytte serve`` starts without a static-files warning; a 403 is one log line."""

from __future__ import annotations

import logging
import sys
import warnings

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("collect", [True, False])
def test_first_serve_has_no_missing_static_directory_warning(
    collect, tmp_path, settings, monkeypatch
):
    from gunicorn.app.base import BaseApplication

    static_root = tmp_path / "data" / "static"
    settings.STATIC_ROOT = static_root
    from nytte.core import prefork

    started = []
    monkeypatch.setattr(BaseApplication, "run", lambda self: started.append(self.load()))
    # The test process is no server master: its collector is left as it is.
    monkeypatch.setattr(prefork, "freeze_heap", lambda: None)
    # A fresh process: the WSGI app (and WhiteNoise in it) is built when serve starts.
    monkeypatch.delitem(sys.modules, "nytte.wsgi", raising=False)
    options = {} if collect else {"no_collectstatic": True}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call_command("serve", port=8999, workers=1, **options)
    assert started, "gunicorn was started"
    assert static_root.is_dir()
    assert [str(w.message) for w in caught if "No directory at" in str(w.message)] == []


def test_a_403_is_logged_as_one_line_without_traceback(client_for, viewer, caplog):
    client = client_for(viewer)
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get("/p/framtidens-innkreving/initiatives/new/")
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert (
        record.getMessage()
        == "Forbidden (Permission denied): /p/framtidens-innkreving/initiatives/new/"
    )
    assert "Traceback" not in caplog.text


def test_a_500_keeps_its_traceback():
    from nytte.core.logging import OneLineForbidden

    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (),
            sys.exc_info(),
        )  # fmt: skip
    record.status_code = 500
    assert OneLineForbidden().filter(record)
    assert record.exc_info is not None
