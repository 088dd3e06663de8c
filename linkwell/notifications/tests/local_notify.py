"""A local HTTP server that speaks the parts of the GOV.UK Notify API Linkwell calls.

`POST /v2/notifications/sms`, `/email` and `/letter`, each checked as Notify checks them: the
`Authorization: Bearer` JWT must be signed (HS256) with the secret from the API key and name the
service in `iss`, with an `iat` at most 30 seconds old; the template must exist and be of the
channel's type; every placeholder in it needs personalisation. Answers are Notify's shapes (201
with the notification's `id`, or an error status with an `errors` list). Requests are recorded
(`requests`), and `fail_next(status, errors)` makes the next call fail as Notify would.

It runs in the test process on 127.0.0.1 on a free port, so the real client library (requests,
JWT signing, error handling) is what Linkwell's backend exercises.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"linkwell_test-{SERVICE_ID}-{SECRET}"

_PLACEHOLDER = re.compile(r"\(\(([^)]+)\)\)")
_PATHS = {
    "/v2/notifications/sms": "sms",
    "/v2/notifications/email": "email",
    "/v2/notifications/letter": "letter",
}


@dataclass
class Template:
    type: str  # sms, email, letter
    body: str
    subject: str = ""

    def placeholders(self) -> set[str]:
        return set(_PLACEHOLDER.findall(self.subject + self.body))


@dataclass
class Received:
    path: str
    channel: str
    token_claims: dict[str, Any]
    json: dict[str, Any]
    notification_id: str = ""


@dataclass
class LocalNotify:
    templates: dict[str, Template]
    requests: list[Received] = field(default_factory=list)
    _failures: list[tuple[int, list[dict[str, str]]]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"

    def fail_next(self, status: int, errors: list[dict[str, str]] | None = None) -> None:
        self._failures.append((status, errors or []))

    def start(self) -> LocalNotify:
        handler = type("Handler", (_Handler,), {"notify": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    notify: LocalNotify

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, errors: list[dict[str, str]]) -> None:
        self._answer(status, {"status_code": status, "errors": errors})

    def _claims(self) -> dict[str, Any] | None:
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not token:
            self._error(
                401,
                [
                    {
                        "error": "AuthError",
                        "message": "Unauthorized: authentication token must be provided",
                    }
                ],
            )
            return None
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(
                token, SECRET, algorithms=["HS256"], options={"require": ["iss", "iat"]}
            )
        except jwt.PyJWTError as exc:
            self._error(403, [{"error": "AuthError", "message": f"Invalid token: {exc}"}])
            return None
        if header.get("typ") != "JWT" or claims["iss"] != SERVICE_ID:
            self._error(
                403, [{"error": "AuthError", "message": "Invalid token: service not found"}]
            )
            return None
        if abs(time.time() - int(claims["iat"])) > 30:
            self._error(
                403,
                [
                    {
                        "error": "AuthError",
                        "message": "Error: Your system clock must be accurate to within 30 seconds",
                    }
                ],
            )
            return None
        return claims

    def do_POST(self) -> None:  # the http.server naming
        channel = _PATHS.get(self.path)
        if channel is None:
            self._error(404, [{"error": "NotFound", "message": "Not found"}])
            return
        claims = self._claims()
        if claims is None:
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            data = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self._error(400, [{"error": "BadRequestError", "message": "Invalid JSON"}])
            return
        received = Received(path=self.path, channel=channel, token_claims=claims, json=data)
        self.notify.requests.append(received)
        if self.notify._failures:
            status, errors = self.notify._failures.pop(0)
            if errors:
                self._error(status, errors)
            else:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            return
        problem = self._validate(channel, data)
        if problem:
            self._error(
                400,
                [
                    {
                        "error": "ValidationError" if "required" in problem else "BadRequestError",
                        "message": problem,
                    }
                ],
            )
            return
        received.notification_id = str(uuid.uuid4())
        template_id = data["template_id"]
        self._answer(
            201,
            {
                "id": received.notification_id,
                "reference": data.get("reference"),
                "content": {"body": "(rendered)", "subject": "(rendered)"},
                "uri": f"{self.notify.base_url}/v2/notifications/{received.notification_id}",
                "template": {
                    "id": template_id,
                    "version": 1,
                    "uri": f"{self.notify.base_url}/services/{SERVICE_ID}/templates/{template_id}",
                },
            },
        )

    def _validate(self, channel: str, data: dict[str, Any]) -> str:
        required = {"sms": "phone_number", "email": "email_address", "letter": "personalisation"}
        if not data.get(required[channel]):
            return f"{required[channel]} is a required property"
        if not data.get("template_id"):
            return "template_id is a required property"
        template = self.notify.templates.get(data["template_id"])
        if template is None:
            return "Template not found"
        if template.type != channel:
            return f"{template.type} template is not suitable for {channel} notification"
        personalisation = data.get("personalisation") or {}
        if channel == "letter":
            lines = [
                k for k in personalisation if k.startswith("address_line_") and personalisation[k]
            ]
            if len(lines) < 3:
                return "Address must be at least 3 lines"
        missing = sorted(template.placeholders() - set(personalisation))
        if missing:
            return f"Missing personalisation: {', '.join(missing)}"
        return ""
