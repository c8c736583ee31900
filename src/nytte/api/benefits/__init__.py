"""The benefits register over REST: benefits with their initiatives' shares, yearly amounts,
indicators, targets and measurements, and measurements in bulk (how agencies feed real data).

Thin on purpose, like the portfolio API: reads go through the benefits selectors and
``permissions.check`` (404 where the caller has no role in the programme, 403 where the role
does not allow the action); writes go through ``nytte.benefits.services`` with
``acting_user``, which check rights (a benefit's owner edits that benefit and its lines, even
in another agency), validate and log history. References are natural keys as in the Excel
format; indicators and their lines, which have none that lasts, go by id.

One router per resource family: ``register`` (benefits and their yearly amounts) and
``indicators`` (indicators, targets, measurements); shared lookups and outputs in ``helpers``.
"""

from ninja import Router

from . import indicators, register

router = Router()
router.add_router("", register.router)
router.add_router("", indicators.router)
