"""The proposal pipeline's pages, one module per page family: ``frame`` (what every tab of a
proposal shares), ``detail`` (the proposal page), ``capture`` (step 1), ``public`` (the
public form and the private status page), ``harmonise`` (step 2's tab), ``qualification``
(the checklist editor and the "similar while typing" box), ``criteria`` (step 3's criteria),
``assess`` (step 3's tab, scoring and the matrix) and ``flow`` (list, board, moves, queue,
Excel). Routes are in ``proposals/urls.py``."""
