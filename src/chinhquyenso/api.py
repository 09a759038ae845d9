"""The JSON API at /api/v1/ (django-ninja, OpenAPI 3.1 at /api/v1/openapi.json, docs at /api/v1/docs).

Each app contributes a router from its api.py; lower apps never import this module. Requests are
authenticated by an API token (`Authorization: Bearer cqs_…`) or a signed-in, two-factor-verified
browser session (accounts.auth.api_auth)."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

api = NinjaAPI(
    title="Chính quyền số API",
    version="1.0.0",
    description="API của nền tảng Chính quyền số. Xác thực bằng khóa API: `Authorization: Bearer <khóa>`.",
    urls_namespace="api-v1",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    return api.create_response(request, {"detail": "Dữ liệu không hợp lệ.", "errors": exc.errors}, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(request, {"detail": "Chưa xác thực hoặc khóa API không hợp lệ."}, status=401)


def _mount() -> None:
    from chinhquyenso.accounts.api import router as accounts_router
    from chinhquyenso.accounts.auth import api_auth
    from chinhquyenso.agencies.api import router as agencies_router
    from chinhquyenso.assessment.api import router as assessment_router
    from chinhquyenso.audit.api import router as audit_router
    from chinhquyenso.community.api import router as community_router
    from chinhquyenso.dashboard.api import router as dashboard_router
    from chinhquyenso.documents.api import router as documents_router
    from chinhquyenso.dossiers.api import router as dossiers_router
    from chinhquyenso.exchange.api import router as exchange_router
    from chinhquyenso.feedback.api import router as feedback_router
    from chinhquyenso.procedures.api import router as procedures_router
    from chinhquyenso.questions.api import router as questions_router
    from chinhquyenso.sectordata.api import router as sectordata_router
    from chinhquyenso.signatures.api import router as signatures_router
    from chinhquyenso.units.api import router as units_router
    from chinhquyenso.workdays.api import router as workdays_router

    api.add_router("/units/", units_router)
    api.add_router("/agencies/", agencies_router)
    api.add_router("/accounts/", accounts_router)
    api.add_router("/workdays/", workdays_router)
    # Routers of apps below accounts cannot import its auth classes; the composition root
    # attaches them. Public routers (units, agencies, workdays) stay anonymous-readable.
    api.add_router("/audit/", audit_router, auth=api_auth)
    # Domain apps sit above accounts and set auth per operation (public catalogue and lookups,
    # authenticated everything else) with accounts.auth.api_auth.
    api.add_router("/procedures/", procedures_router)
    api.add_router("/dossiers/", dossiers_router)
    api.add_router("/feedback/", feedback_router)
    api.add_router("/questions/", questions_router)
    api.add_router("/documents/", documents_router)
    api.add_router("/signatures/", signatures_router)
    api.add_router("/exchange/", exchange_router)
    api.add_router("/sector-data/", sectordata_router)
    api.add_router("/community/", community_router)
    api.add_router("/dashboard/", dashboard_router)
    api.add_router("/assessment/", assessment_router)


_mount()
