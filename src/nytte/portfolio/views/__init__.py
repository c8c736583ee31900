"""Portfolio pages: the programme overview, the initiative list, an initiative's tabs, and the
create/edit forms. Views parse input, ask the permission module, call selectors or services
and render; every query a page runs is fixed in number, whatever the size of the portfolio.

One module per page family: ``overview``, ``listing`` (the initiative list), ``detail`` (an
initiative and its tabs), ``lines`` (adding, changing and deleting an initiative's lines),
``edit`` (create and edit forms) and ``excel`` (export and import); shared parts in
``helpers``. The forms are in ``nytte.portfolio.forms``.
"""
