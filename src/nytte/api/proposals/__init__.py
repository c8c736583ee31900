"""The proposal pipeline over REST: proposals with the list page's filters, the stage flow
(move, merge, attach), links from harmonisation, evidence, support, comments and the domain
events of each proposal.

Thin on purpose, like the other routers: reads go through ``nytte.proposals.selectors`` and
``permissions.check`` (404 where the caller has no role in the programme, 403 where the role
does not allow the action); writes go through ``nytte.proposals.services`` with
``acting_user``, which check rights (anyone with a role that may contribute proposes,
supports, comments and adds evidence; the facilitator runs the flow), validate, log history
and record events. A transition the flow does not allow answers 409 with the reason; a
missing reason 422. Proposals are referred to by their number in the programme.

One router per part of the pipeline: ``capture`` (list, create, read, edit), ``flow`` (move,
merge, attach, track), ``links`` (harmonisation), ``similar`` (suggestions with their bands
and reasons, dismissals), ``participation`` (evidence, support, comments, events) and
``assessment``; shared lookups and outputs in ``helpers``.
"""

from ninja import Router

from . import assessment, capture, flow, links, participation, similar

router = Router()
router.add_router("", capture.router)
router.add_router("", flow.router)
router.add_router("", links.router)
router.add_router("", similar.router)
router.add_router("", participation.router)
router.add_router("", assessment.router)
