"""The inbox endpoint: ``POST /api/indbakke/<message_type>/`` from other systems.

Authenticated by a bearer token (no cookies, no session, so no CSRF token); answers JSON:
202 with the new message's id (processing follows in a job), 200 with the earlier message's
id and status for a message sent before, or an error ``{"error": code, "message": text}``:
401 ``invalid_token``, 405 ``method_not_allowed``, 400 ``unknown_type``, 403
``type_not_allowed``, 411 ``length_required`` (chunked), 413 ``too_large``, 400 ``not_utf8`` / ``bad_json`` / ``not_an_object`` /
``too_deep`` / ``missing_message_id``, 409 ``message_id_reused``. Every refusal is logged with
its reason, never with the token or the body.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from interchange import handlers
from interchange.selectors import system_for_authorization
from interchange.services import BadMessage, message_receive, parse_body
from lib.request_id import current_request_id

logger = logging.getLogger("btt.interchange")


def _messages() -> dict[str, str]:
    return {
        "invalid_token": _("Manglende eller ugyldigt adgangstoken."),
        "method_not_allowed": _("Kun POST er tilladt."),
        "unknown_type": _("Ukendt meddelelsestype."),
        "type_not_allowed": _("Systemet må ikke sende denne meddelelsestype."),
        "too_large": _("Meddelelsen er for stor."),
        "length_required": _("Angiv indholdets længde (Content-Length)."),
        "not_utf8": _("Indholdet skal være UTF-8."),
        "bad_json": _("Indholdet er ikke gyldig JSON."),
        "not_an_object": _("Indholdet skal være et JSON-objekt."),
        "too_deep": _("Indholdet er for dybt indlejret."),
        "missing_message_id": _("Meddelelsen har intet gyldigt id."),
        "message_id_reused": _("Meddelelsens id er allerede brugt til en anden meddelelse."),
    }


STATUS_OF = {
    # (an error code, not a secret)
    "invalid_token": 401,  # nosec B105
    "method_not_allowed": 405,
    "type_not_allowed": 403,
    "too_large": 413,
    "length_required": 411,
    "message_id_reused": 409,
}


def _refuse(
    code: str, *, message_type: str, reason: str = "", system_id: int | None = None
) -> JsonResponse:
    status = STATUS_OF.get(code, 400)
    logger.warning(
        "event=interchange_denied code=%s reason=%s status=%s message_type=%s system_id=%s "
        "request_id=%s",
        code,
        reason or code,
        status,
        message_type[:64],
        system_id or "-",
        current_request_id() or "-",
    )
    response = JsonResponse({"error": code, "message": _messages()[code]}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="indbakke"'
    if status == 405:
        response["Allow"] = "POST"
    return response


def max_bytes() -> int:
    return settings.INTERCHANGE_MAX_BODY_BYTES


@csrf_exempt
@login_not_required
@never_cache
def receive(request: HttpRequest, message_type: str) -> JsonResponse:
    system, reason = system_for_authorization(request.headers.get("Authorization"))
    if system is None:
        return _refuse("invalid_token", message_type=message_type, reason=reason)

    def refuse(code: str) -> JsonResponse:
        return _refuse(code, message_type=message_type, system_id=system.pk)

    if request.method != "POST":
        return refuse("method_not_allowed")
    if handlers.get(message_type) is None:
        return refuse("unknown_type")
    if message_type not in system.message_types:
        return refuse("type_not_allowed")
    limit = max_bytes()
    if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        return refuse("length_required")  # Django reads no body without a length
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return refuse("too_large")
    raw = request.read(limit + 1)  # never more than the limit, whatever the header said
    if len(raw) > limit:
        return refuse("too_large")
    try:
        receipt = message_receive(system=system, message_type=message_type, body=parse_body(raw))
    except BadMessage as bad:
        return refuse(bad.code)
    message = receipt.message
    return JsonResponse(
        {"id": message.pk, "status": message.status, "duplicate": not receipt.created},
        status=202 if receipt.created else 200,
    )
