"""The server's master process compiles every template before it forks its workers."""

from __future__ import annotations

import pytest
from django.template import engines
from django.template.loaders.filesystem import Loader as FilesystemLoader

from nytte.core import templates_warm


def test_every_project_template_is_compiled_then_served_from_memory(monkeypatch):
    compiled = templates_warm.compile_templates()
    assert compiled > 100  # the project's own pages, partials and e-mails

    def from_disk(self, origin):
        raise AssertionError(f"{origin.name} was read from disk again")

    monkeypatch.setattr(FilesystemLoader, "get_contents", from_disk)
    engine = engines["django"]
    for name in ("base.html", "benefits/dashboard.html", "proposals/partials/actions.html"):
        engine.get_template(name)  # compiled already: not read again


@pytest.mark.django_db
def test_serve_compiles_them_before_starting_the_workers(monkeypatch, settings, tmp_path):
    from django.core.management import call_command
    from gunicorn.app.base import BaseApplication

    settings.STATIC_ROOT = tmp_path / "static"
    order: list[str] = []
    monkeypatch.setattr(templates_warm, "compile_templates", lambda: order.append("compile"))
    monkeypatch.setattr(BaseApplication, "run", lambda self: order.append("run"))
    call_command("serve", port=8999, workers=1, no_collectstatic=True)
    assert order == ["compile", "run"]
