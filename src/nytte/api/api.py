"""The REST API at /api/v1, one router per domain."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.operation import Operation

from . import (
    analysis_lines,
    anchoring,
    benefits,
    core,
    costbenefit,
    errors,
    governance,
    portfolio,
    proposals,
    scenarios,
)
from .auth import BrowserSessionAuth, TokenAuth
from .docs import VendoredSwagger


class Api(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """``<domain module>_<function>``, as before the domains became packages: a view in
        ``nytte.api.portfolio.lines`` keeps the id ``nytte_api_portfolio_cost_list``."""
        module = ".".join(operation.view_func.__module__.split(".")[:3])
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = Api(
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
api.add_router("/", scenarios.router)
api.add_router("/", anchoring.router)
api.add_router("/", governance.router)
