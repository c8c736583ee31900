"""The REST API at /api/v1, one router per domain."""

from __future__ import annotations

import copy
from typing import Any

from django.utils.translation import get_language
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
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
    _schemas: dict[tuple[str, str, str], OpenAPISchema]

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Built once per process (prefix and language) and copied out: building it walks
        every schema of every operation, about 3 s of CPU, and it cannot change while the
        process runs."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cache = self.__dict__.setdefault("_schemas", {})
        key = (path_prefix, get_language() or "", str(sorted((path_params or {}).items())))
        if key not in cache:
            cache[key] = super().get_openapi_schema(path_prefix=path_prefix)
        return copy.deepcopy(cache[key])

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
