"""The cost-benefit page of an initiative or a proposal: the live analysis computed from the
registers (served from the stored result, ``results``), its frozen snapshots, and both as
Excel. The same views serve both subjects; initiative URLs carry ``code``, proposal URLs ``number``.

The live page is one URL: GET shows it (``?edit=line-5`` opens a line's form in place), POST
carries an ``action`` (settings, line-add/update/delete, alternative-add/update/delete,
freeze). With HTMX a form swaps the page's content, so the tables and charts recompute at
once; without JavaScript the POST redirects back (or shows the refused form as typed).
Permissions: the programme's viewers see; ``subject.edit_action`` on the subject changes
and freezes (EDIT on an initiative, FACILITATE on a proposal).

One module per page family: ``analysis`` (the live page), ``snapshots``, ``export``
(workbooks); ``common`` holds what they share.
"""

from .analysis import analysis
from .export import export, snapshot_export
from .snapshots import snapshot

__all__ = ["analysis", "export", "snapshot", "snapshot_export"]
