"""The REST API at /api/v1, one router per domain."""

from __future__ import annotations

from ninja import NinjaAPI

from . import analysis_lines, benefits, core, costbenefit, errors, portfolio, proposals
from .auth import BrowserSessionAuth, TokenAuth
from .docs import VendoredSwagger

api = NinjaAPI(
    title="Nytte API",
    version="1",
    description="Portfolio, benefits and proposals for cross-agency programmes. "
    "Authenticate with `Authorization: Bearer <token>` (create one with `nytte token`).",
    auth=[TokenAuth(), BrowserSessionAuth()],
    urls_namespace="api",
    docs=VendoredSwagger(),
)
errors.install(api)
api.add_router("/", core.router)
api.add_router("/", portfolio.router)
api.add_router("/", benefits.router)
api.add_router("/", costbenefit.router)
api.add_router("/", analysis_lines.router)
api.add_router("/", proposals.router)
