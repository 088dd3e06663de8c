"""The printable message back letter as a PDF, for people signed in (the FHIR API serves the
same letter to system clients as a document). Who may read it is casework's rule: referrers of
the recipient organisation and the case's team; anyone else gets 404."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.audit.access_log import log_access
from linkwell.casework.message_back import get_message_back_for_user
from linkwell.fhir.documents import message_back_pdf


@login_required
def message_back_letter_pdf(
    request: AuthenticatedHttpRequest, message_id: uuid.UUID
) -> HttpResponse:
    letter = get_message_back_for_user(request.user, message_id)
    log_access(request, letter, person_id=str(letter.case.person.uuid), detail={"pdf": True})
    response = HttpResponse(message_back_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="message-back-{letter.written_on:%Y-%m-%d}-{letter.uuid}.pdf"'
    )
    return response
