"""A local Stripe-compatible HTTP server for the tests.

It speaks the part of Stripe's API wijkwerk uses (Checkout Sessions: create, retrieve, expire;
Refunds: create), parses the form-encoded bodies the ``stripe`` library sends, honours idempotency
keys, and answers in Stripe's JSON shapes, so the real library is exercised end to end. The tests
then play Stripe's side of a payment (the customer pays, a session expires) and receive the
matching event, signed the way Stripe signs webhooks: ``t=<unix time>,v1=<HMAC-SHA256 of
"<t>.<payload>" with the webhook secret>``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

SECRET_KEY = "sk_test_wijkwerk"
WEBHOOK_SECRET = "whsec_test_wijkwerk"

_KEY = re.compile(r"[^\[\]]+|\[([^\]]*)\]")


def _parse_form(body: str) -> dict:
    """Stripe's form encoding (``a[b][0][c]=x``) into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = [m.group(1) if m.group(1) is not None else m.group(0) for m in _KEY.finditer(key)]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _listify(root)


def _listify(node):
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_listify(node[k]) for k in sorted(node, key=int)]
        return {k: _listify(v) for k, v in node.items()}
    return node


class FakeStripe:
    """The server's state and the tests' handles on it."""

    def __init__(self) -> None:
        self.sessions: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self.idempotent: dict[str, tuple[int, dict]] = {}
        self.down = False  # answer every request with a 500, as during an outage
        # Where the hosted checkout page (for a real browser) sends its signed event, as Stripe
        # sends webhooks to the endpoint configured in its dashboard.
        self.webhook_url: str | None = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        with self._lock:
            self.sessions.clear()
            self.refunds.clear()
            self.requests.clear()
            self.idempotent.clear()
            self.down = False

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):06d}"

    # --- the API ----------------------------------------------------------------------------------

    def handle(self, method: str, path: str, params: dict, idempotency_key: str | None):
        if self.down:
            return 500, _error("api_error", "Stripe is down (test)")
        with self._lock:
            if idempotency_key and idempotency_key in self.idempotent:
                return self.idempotent[idempotency_key]
            self.requests.append((method, path, params))
            answer = self._route(method, path, params)
            if idempotency_key and answer[0] < 500:
                self.idempotent[idempotency_key] = answer
            return answer

    def _route(self, method: str, path: str, params: dict):
        if method == "POST" and path == "/v1/checkout/sessions":
            return 200, self._create_session(params)
        found = re.fullmatch(r"/v1/checkout/sessions/([^/]+)(/expire)?", path)
        if found:
            session = self.sessions.get(found.group(1))
            if session is None:
                return 404, _error("invalid_request_error", "No such checkout.session")
            if method == "GET" and not found.group(2):
                return 200, session
            if method == "POST" and found.group(2):
                if session["status"] != "open":
                    return 400, _error(
                        "invalid_request_error",
                        f"Only Checkout Sessions with a status of open can be expired "
                        f"(this one is {session['status']}).",
                    )
                session["status"] = "expired"
                return 200, session
        if method == "POST" and path == "/v1/refunds":
            return self._create_refund(params)
        return 404, _error("invalid_request_error", f"Unrecognized request URL ({method} {path})")

    def _create_session(self, params: dict) -> dict:
        session_id = self.new_id("cs")
        items = params.get("line_items", [])
        amount = sum(
            int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1)) for item in items
        )
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"{self.url}/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "mode": params.get("mode"),
            "amount_total": amount,
            "currency": items[0]["price_data"]["currency"] if items else "eur",
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata", {}),
            "payment_method_types": params.get("payment_method_types", []),
            "expires_at": int(params.get("expires_at", time.time() + 86400)),
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "locale": params.get("locale"),
            "payment_intent": None,
            "livemode": False,
        }
        self.sessions[session_id] = session
        return session

    def _create_refund(self, params: dict):
        intent = params.get("payment_intent")
        paid = [s for s in self.sessions.values() if s["payment_intent"] == intent]
        if not paid:
            return 400, _error("invalid_request_error", f"No such payment_intent: '{intent}'")
        session = paid[0]
        amount = int(params.get("amount", session["amount_total"]))
        already = sum(r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent)
        if amount > session["amount_total"] - already:
            return 400, _error(
                "invalid_request_error", "Refund amount is greater than unrefunded amount on charge"
            )
        refund = {
            "id": self.new_id("re"),
            "object": "refund",
            "amount": amount,
            "currency": session["currency"],
            "payment_intent": intent,
            "status": "succeeded",
            "metadata": params.get("metadata", {}),
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    # --- the customer's side, and the events Stripe would send --------------------------------------

    def only_session(self) -> dict:
        assert len(self.sessions) == 1, self.sessions
        return next(iter(self.sessions.values()))

    def pay(self, session_id: str) -> dict:
        """The customer completes the checkout; returns the ``checkout.session.completed`` event."""
        session = self.sessions[session_id]
        session.update(status="complete", payment_status="paid", payment_intent=self.new_id("pi"))
        return self.event("checkout.session.completed", session)

    def expire(self, session_id: str) -> dict:
        """Stripe lets the checkout expire; returns the ``checkout.session.expired`` event."""
        session = self.sessions[session_id]
        session["status"] = "expired"
        return self.event("checkout.session.expired", session)

    def payment_failed(self, session_id: str, message: str) -> dict:
        session = self.sessions[session_id]
        intent = {
            "id": self.new_id("pi"),
            "object": "payment_intent",
            "status": "requires_payment_method",
            "metadata": session["metadata"],
            "last_payment_error": {"message": message, "type": "card_error"},
        }
        return self.event("payment_intent.payment_failed", intent)

    def charge_refunded(self, payment_intent: str) -> dict:
        session = next(s for s in self.sessions.values() if s["payment_intent"] == payment_intent)
        refunded = sum(
            r["amount"] for r in self.refunds.values() if r["payment_intent"] == payment_intent
        )
        charge = {
            "id": self.new_id("ch"),
            "object": "charge",
            "amount": session["amount_total"],
            "amount_refunded": refunded,
            "payment_intent": payment_intent,
            "refunded": refunded >= session["amount_total"],
        }
        return self.event("charge.refunded", charge)

    def checkout_page(self, session_id: str) -> str:
        """The hosted Checkout page a browser sees: the amount and a button to pay by iDEAL."""
        session = self.sessions[session_id]
        euros = f"{session['amount_total'] / 100:.2f}".replace(".", ",")
        return (
            '<!doctype html><html lang="nl"><head><meta charset="utf-8">'
            "<title>Betalen (Stripe-testserver)</title>"
            "<link rel='icon' href='data:,'></head><body><main>"
            f"<h1>Betalen</h1><p>Te betalen: € {euros}</p>"
            f'<form method="post" action="/pay/{session_id}">'
            '<button type="submit" name="method" value="ideal">Betalen met iDEAL</button></form>'
            f'<p><a href="{session["cancel_url"]}">Annuleren</a></p></main></body></html>'
        )

    def complete_checkout(self, session_id: str) -> str:
        """The customer pays on the page: Stripe signs and sends the event to the webhook
        endpoint, then sends the browser back to the success URL (returned)."""
        with self._lock:
            event = self.pay(session_id)
        payload = json.dumps(event).encode()
        request = urllib.request.Request(
            self.webhook_url,
            data=payload,
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(payload)},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 200, answer.status
        return self.sessions[session_id]["success_url"]

    def event(self, event_type: str, obj: dict) -> dict:
        return {
            "id": self.new_id("evt"),
            "object": "event",
            "type": event_type,
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": json.loads(json.dumps(obj))},
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                split = urlsplit(self.path)
                params = _parse_form(body or split.query)
                if self.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
                    status, answer = 401, _error("invalid_request_error", "Invalid API Key")
                else:
                    status, answer = fake.handle(
                        self.command, split.path, params, self.headers.get("Idempotency-Key")
                    )
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", fake.new_id("req"))
                self.end_headers()
                self.wfile.write(data)

            def _checkout(self) -> bool:
                """The hosted Checkout page (no API key: it is the customer's browser)."""
                found = re.fullmatch(r"/pay/([^/?]+)", urlsplit(self.path).path)
                if not found or found.group(1) not in fake.sessions:
                    return False
                if self.command == "POST":
                    length = int(self.headers.get("Content-Length") or 0)
                    self.rfile.read(length)
                    self.send_response(303)
                    self.send_header("Location", fake.complete_checkout(found.group(1)))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return True
                data = fake.checkout_page(found.group(1)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return True

            def do_GET(self) -> None:
                if not self._checkout():
                    self._answer()

            def do_POST(self) -> None:
                if not self._checkout():
                    self._answer()

            do_DELETE = _answer

            def log_message(self, *args) -> None:
                pass

        return Handler


def _error(kind: str, message: str) -> dict:
    return {"error": {"type": kind, "message": message}}


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe would send with ``payload``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
