"""learning endpoints of the governance API."""

from ninja import Router

router = Router(tags=["governance"])
