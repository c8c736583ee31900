"""Anchoring over REST: stakeholders, the checklist, each initiative's and proposal's
answers and leadership commitments, the anchoring summary (``records``), and RACI roles of
initiatives and benefits (``raci``). Operation ids stay ``nytte_api_anchoring_<function>``.
"""

from ninja import Router

from . import raci, records

router = Router()
router.add_router("", records.router)
router.add_router("", raci.router)
