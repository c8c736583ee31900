"""Governance over REST: forums, cases, decisions and baselines (``steering``), and the
learning loop (``learning``)."""

from ninja import Router

from . import learning, steering

router = Router()
router.add_router("", steering.router)
router.add_router("", learning.router)
