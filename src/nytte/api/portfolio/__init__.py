"""The portfolio register over REST: goals, life events, initiatives and their costs,
dependencies, risks and status reports. The programme itself (vision, target picture, period)
is in ``core``: ``GET``/``PATCH /programmes/{slug}``.

Thin on purpose: reads go through selectors and ``permissions.check`` (404 where the caller
has no role in the programme, 403 where the role does not allow the action); writes go
through ``nytte.portfolio.services`` with ``acting_user``, which check rights, validate and
log history. References are natural keys (orgnr, codes, slugs), as in the Excel format.

One router per resource family: ``programme`` (life events, goals, initiatives) and ``lines``
(costs, dependencies, risks, status reports); shared lookups and outputs in ``helpers``.
"""

from ninja import Router

from . import lines, programme

router = Router()
router.add_router("", programme.router)
router.add_router("", lines.router)
