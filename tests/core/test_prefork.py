"""The server's master process compiles every template and freezes its heap before it forks
its workers."""

from __future__ import annotations

import pytest
from django.template import engines
from django.template.loaders.filesystem import Loader as FilesystemLoader

from nytte.core import prefork


def test_every_project_template_is_compiled_then_served_from_memory(monkeypatch):
    compiled = prefork.compile_templates()
    assert compiled > 100  # the project's own pages, partials and e-mails

    def from_disk(self, origin):
        raise AssertionError(f"{origin.name} was read from disk again")

    monkeypatch.setattr(FilesystemLoader, "get_contents", from_disk)
    engine = engines["django"]
    for name in ("base.html", "benefits/dashboard.html", "proposals/partials/actions.html"):
        engine.get_template(name)  # compiled already: not read again


@pytest.mark.django_db
def test_serve_prepares_before_starting_the_workers(monkeypatch, settings, tmp_path):
    from django.core.management import call_command
    from gunicorn.app.base import BaseApplication

    settings.STATIC_ROOT = tmp_path / "static"
    order: list[str] = []
    monkeypatch.setattr(prefork, "prepare", lambda: order.append("prepare"))
    monkeypatch.setattr(BaseApplication, "run", lambda self: order.append("run"))
    call_command("serve", port=8999, workers=1, no_collectstatic=True)
    assert order == ["prepare", "run"]


def test_prepare_leaves_the_heap_frozen():
    import gc

    gc.unfreeze()
    thresholds = gc.get_threshold()
    try:
        prefork.prepare()
        assert gc.get_freeze_count() > 100_000  # Django, the apps, the compiled templates
        assert gc.get_threshold() == prefork.GC_THRESHOLDS
    finally:
        gc.unfreeze()  # the rest of the test session collects as before
        gc.set_threshold(*thresholds)
