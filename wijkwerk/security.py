"""HTTP security for every answer: headers with a strict Content-Security-Policy, and the proxy
set-up for servers behind a load balancer.

wijkwerk serves no JavaScript and no inline styles, so the policy allows scripts and styles from
our own origin only (no ``unsafe-inline``). Forms post to our own origin; a registration that pays
is sent on to Stripe's Checkout, so that origin is allowed as a form target too (browsers check
the redirects that follow a form post).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(app: Flask) -> str:
    form_targets = ["'self'", STRIPE_CHECKOUT_ORIGIN]
    # A Stripe-compatible server elsewhere (the test server) also serves its own checkout page.
    local_stripe = _origin(app.config.get("STRIPE_API_BASE"))
    if local_stripe and local_stripe not in form_targets:
        form_targets.append(local_stripe)
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
        "form-action": " ".join(form_targets),
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def register(app: Flask) -> None:
    # Behind a load balancer or reverse proxy: trust this many X-Forwarded-* hops, so that log-in
    # throttling sees the visitor's address and generated URLs the public scheme and host.
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    policy = content_security_policy(app)
    strict_transport = bool(app.config.get("SESSION_COOKIE_SECURE"))

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        # A handler may set a stricter policy of its own (downloads are sandboxed).
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        # Links in our pages carry secret tokens (manage, approval, calendar): never pass a URL on.
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        if strict_transport:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if not response.cache_control.public and _is_personal(response):
            response.cache_control.no_store = True
        return response


def _is_personal(response: Response) -> bool:
    """Pages and API answers (not static files or public feeds): never stored by a browser or a
    proxy cache, since they may show personal data."""
    return response.mimetype in ("text/html", "application/json")
