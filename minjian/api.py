"""The JSON API under /api/v1/: one NinjaAPI, a router per domain app."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.urls import Resolver404, URLPattern, URLResolver, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.schema import NinjaGenerateJsonSchema

from minjian.accountability.api import router as accountability_router
from minjian.accounts.api import BearerToken
from minjian.accounts.api import router as accounts_router
from minjian.aid.api import router as aid_router
from minjian.cases.api import duplicates_router
from minjian.cases.api import router as cases_router
from minjian.claims.api import add_case_verdicts, flags_router, reviews_router
from minjian.claims.api import router as claims_router
from minjian.coalitions.api import router as coalitions_router
from minjian.core.errors import DomainError, with_retry_after
from minjian.core.middleware import unreadable_input_refusal
from minjian.core.schemas import ErrorOut
from minjian.orgs.api import router as orgs_router
from minjian.petitions.api import router as petitions_router
from minjian.places.api import router as places_router
from minjian.record.api import router as record_router
from minjian.routing.api import router as routing_router
from minjian.search.api import add_case_finding
from minjian.topics.api import router as topics_router


class SchemaNameCollision(Exception):
    """Two different schemas under one name: the document would describe one with the other."""


class MinjianOpenAPISchema(OpenAPISchema):
    """The OpenAPI document as the API behaves, beyond what ninja writes by itself.

    - An operation whose every authentication is optional (the API's default,
      `BearerToken(optional=True)`) may be called without a token: its security
      lists the empty requirement `{}` beside the bearer token.
    - Every operation that checks a token can answer 401 (a wrong or revoked
      token is refused even where none is needed), and every operation that takes
      parameters or a body can answer 422 (`invalid_input`): both are documented
      with the error schema without each operation repeating them.
    - Every operation can answer 400 for a request Django cannot read (a query string
      or form with too many fields, a malformed form), and every POST 413 for a form
      or JSON body too large to read (`CleanInputMiddleware`, `on_body_too_large`).
    - Every operation can answer 503 with Retry-After when the database (or the disk)
      is out of reach (config/error_handlers.py).
    - Two schemas of one name but different shapes are an error here, not a
      silent overwrite of the first by the second.
    """

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        result: dict[str, Any] = super().operation_details(operation)
        responses = result["responses"]
        error = {"content": {self.api.renderer.media_type: {"schema": self._error_schema()}}}
        if operation.auth_callbacks:
            responses.setdefault(401, {"description": "Unauthorized"} | error)
        if result.get("parameters") or "requestBody" in result:
            responses.setdefault(422, {"description": "Unprocessable Content"} | error)
        responses.setdefault(400, {"description": "Bad Request"} | error)
        if "POST" in operation.methods:
            responses.setdefault(413, {"description": "Content Too Large"} | error)
        responses.setdefault(503, {"description": "Service Unavailable"} | error)
        result["responses"] = dict(sorted(responses.items()))
        return result

    def _error_schema(self) -> dict[str, str]:
        definition = ErrorOut.model_json_schema(
            ref_template=REF_TEMPLATE,
            schema_generator=NinjaGenerateJsonSchema,
            mode="serialization",
        )
        self.add_schema_definitions({ErrorOut.__name__: definition})
        return {"$ref": REF_TEMPLATE.format(model=ErrorOut.__name__)}

    def operation_security(self, operation: Operation) -> list[dict[str, Any]] | None:
        security = super().operation_security(operation)
        if security and all(getattr(auth, "optional", False) for auth in operation.auth_callbacks):
            return [{}, *security]
        return security

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            if name in self.schemas and self.schemas[name] != definition:
                raise SchemaNameCollision(
                    f"Two API schemas are named {name!r} with different shapes: "
                    "give one of them another class name."
                )
        super().add_schema_definitions(definitions)


class MinjianAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return MinjianOpenAPISchema(self, path_prefix)

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        """ninja's addresses, each refusing in JSON as the operations do: ninja's own
        answer at the API's root is a 404 page, and to a method an address does not
        take, a 405 in plain text."""
        patterns, app_name, namespace = super().urls
        return (
            [
                URLPattern(
                    pattern.pattern,
                    unknown_path
                    if pattern.name == "api-root"
                    else _refuse_other_methods_in_json(pattern.callback),
                    pattern.default_args,
                    pattern.name,
                )
                if isinstance(pattern, URLPattern)
                else pattern
                for pattern in patterns
            ],
            app_name,
            namespace,
        )


api = MinjianAPI(
    title="Minjian API",
    version="1",
    description=(
        "Cases, topics, regions and organisations of a Minjian instance. "
        "Errors are JSON objects with a stable `code`, a `message` in the "
        "language of the request and `details`."
    ),
    urls_namespace="api",
    auth=BearerToken(optional=True),
)
# GET /cases (finding cases) is the search app's, beside the cases app's POST /cases.
add_case_finding(cases_router)
# POST /cases/{case_id}/verdicts is the claims app's, beside the case it judges.
add_case_verdicts(cases_router)
api.add_router("/cases", cases_router)
api.add_router("/duplicates", duplicates_router)
api.add_router("/topics", topics_router)
api.add_router("/regions", places_router)
api.add_router("/organisations", orgs_router)
api.add_router("/accounts", accounts_router)
api.add_router("/inbox", routing_router)
api.add_router("/drives", aid_router)
api.add_router("/accountability", accountability_router)
api.add_router("/claims", claims_router)
api.add_router("/claim-reviews", reviews_router)
api.add_router("/flags", flags_router)
api.add_router("/petitions", petitions_router)
api.add_router("/coalitions", coalitions_router)
api.add_router("/record", record_router)


def error_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    details: object | None = None,
) -> HttpResponse:
    return api.create_response(
        request,
        {"code": code, "message": message, "details": details or {}},
        status=status,
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    details = dict(exc.details)
    if exc.field:
        details.setdefault("field", exc.field)
    response = error_response(
        request, status=exc.status, code=exc.code, message=str(exc.message), details=details
    )
    return with_retry_after(response, exc)


@api.exception_handler(RequestDataTooBig)
def on_body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A JSON body past DATA_UPLOAD_MAX_MEMORY_SIZE, found when the operation reads it:
    refused as CleanInputMiddleware refuses a form too large to read."""
    return on_domain_error(request, unreadable_input_refusal(exc))


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = []
    for error in exc.errors:
        location = [
            str(part)
            for part in error.get("loc", ())
            if part not in ("body", "query", "form", "path")
        ]
        fields.append({"field": ".".join(location), "message": error.get("msg", "")})
    return error_response(
        request,
        status=422,
        code="invalid_input",
        message=_("Some fields are missing or invalid."),
        details={"fields": fields},
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request,
        status=401,
        code="unauthenticated",
        message=_("A valid API token is needed (Authorization: Bearer ...)."),
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, status=404, code="not_found", message=_("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(
        request, status=exc.status_code, code="http_error", message=str(exc.message)
    )


def _refuse_other_methods_in_json(view: Callable[..., HttpResponseBase]) -> Callable[..., Any]:
    @functools.wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        refusal = error_response(
            request,
            status=405,
            code="method_not_allowed",
            message=_("This API address does not take %(method)s requests.")
            % {"method": request.method},
        )
        refusal["Allow"] = response["Allow"]
        return refusal

    return answer


@csrf_exempt  # as every operation: the API takes no session cookie
def unknown_path(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any address under /api/ that no operation answers: the same JSON error as the rest.
    The API's addresses end without a slash; one sent with a slash is told the address."""
    without_slash = request.path_info.rstrip("/")
    if request.path_info.endswith("/") and _answered(without_slash):
        return error_response(
            request,
            status=404,
            code="not_found",
            message=_(
                "There is no such API address. The API's addresses end without a slash: %(address)s"
            )
            % {"address": without_slash},
            details={"address": without_slash},
        )
    return error_response(
        request, status=404, code="not_found", message=_("There is no such API address.")
    )


def _answered(address: str) -> bool:
    try:
        return resolve(address).func is not unknown_path
    except Resolver404:
        return False
