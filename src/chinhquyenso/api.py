"""The JSON API at /api/v1/ (django-ninja, OpenAPI 3.1 at /api/v1/openapi.json, docs at /api/v1/docs).

Each app contributes a router from its api.py; lower apps never import this module. Requests are
authenticated by an API token (`Authorization: Bearer cqs_…`) or a signed-in, two-factor-verified
browser session (accounts.auth.api_auth)."""

import functools

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from chinhquyenso.core.apischema import ApiError, ApiValidationError


class _Document(OpenAPISchema):
    """The OpenAPI document, plus the answers that apply to every operation but that ninja only
    documents when a view declares them: 400 (core.middleware.RejectNulMiddleware and an
    unreadable JSON body, both before any view), 422 where the operation takes input (pydantic
    rejects it before the view runs), 404 where the path names an object (it may not exist, may
    not be visible to the caller, or the segment may not match the route's converter) and 401
    where credentials are needed. A view's own declaration of the same status wins, except that a
    declared 422 is widened to also allow the validation error's shape."""

    def operation_details(self, operation) -> dict:
        details = super().operation_details(operation)
        responses = details["responses"]
        parameters = details.get("parameters", [])
        self._add(responses, 400, "Yêu cầu không đọc được", ApiError)
        if parameters or "requestBody" in details:
            validation = self._ref(ApiValidationError)
            declared = responses.get(422, {}).get("content", {}).get(self.api.renderer.media_type)
            if declared and declared["schema"] != validation:
                declared["schema"] = {"anyOf": [declared["schema"], validation]}
            self._add(responses, 422, "Dữ liệu không hợp lệ", ApiValidationError)
        if any(p["in"] == "path" for p in parameters):
            self._add(responses, 404, "Không tìm thấy", ApiError)
        if details.get("security") and {} not in details["security"]:
            self._add(responses, 401, "Chưa xác thực", ApiError)
        return details

    def request_body(self, operation) -> dict:
        body = super().request_body(operation)
        for content_type, media in body.get("content", {}).items():
            if content_type in FORM_CONTENT_TYPES:
                for field in media["schema"].get("properties", {}).values():
                    _not_null(field)
        return body

    def operation_security(self, operation):
        security = super().operation_security(operation)
        if security and any(getattr(auth, "openapi_anonymous", False) for auth in operation.auth_callbacks):
            security.append({})  # accounts.auth.Anonymous: credentials are optional
        return security

    def _add(self, responses: dict, status: int, description: str, model: type[Schema]) -> None:
        if status not in responses:
            responses[status] = {"description": description,
                                 "content": {self.api.renderer.media_type: {"schema": self._ref(model)}}}

    def _ref(self, model: type[Schema]) -> dict:
        """A reference to the model's component, registered exactly as ninja registers a response
        model, so a view that declares the same model shares the component."""
        return self._create_schema_from_model(_response_wrapper(model), mode="serialization")[0]


@functools.cache
def _response_wrapper(model: type[Schema]) -> type[Schema]:
    return type(f"{model.__name__}Response", (Schema,), {"__annotations__": {"response": model}})


FORM_CONTENT_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _not_null(field: dict) -> None:
    """A form has no null: an optional field is left out, and the text "null" is no number. pydantic
    documents `int | None = None` as integer-or-null, so clients sent "null" and got a 422."""
    branches = field.get("anyOf")
    if branches and any(b.get("type") == "null" for b in branches):
        rest = [b for b in branches if b.get("type") != "null"]
        del field["anyOf"]
        if len(rest) == 1:
            field.update(rest[0])
        else:
            field["anyOf"] = rest


class _UnreadableBody(ValueError):
    pass


class _JsonParser(Parser):
    def parse_body(self, request: HttpRequest):
        try:
            return super().parse_body(request)
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise _UnreadableBody("Dữ liệu gửi lên không phải JSON hợp lệ.") from exc


class Api(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return _Document(api=self, path_prefix=path_prefix)


api = Api(
    title="Chính quyền số API",
    version="1.0.0",
    description="API của nền tảng Chính quyền số. Xác thực bằng khóa API: `Authorization: Bearer <khóa>`.",
    urls_namespace="api-v1",
    parser=_JsonParser(),
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    return api.create_response(request, {"detail": "Dữ liệu không hợp lệ.", "errors": exc.errors}, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    # ninja's default answers "Not Found" (and get_object_or_404's text names the model).
    return api.create_response(request, {"detail": "Không tìm thấy."}, status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    # ninja turns any failure of the parser into HttpError(400, "Cannot parse request body").
    if isinstance(exc.__cause__, _UnreadableBody):
        return api.create_response(request, {"detail": str(exc.__cause__)}, status=400)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


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
