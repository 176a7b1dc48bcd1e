"""`X-Twilio-Signature` checks: which URL Twilio signed, and whether the signature matches.

Twilio signs base64(HMAC-SHA1(auth token, full URL + every POST key and value, keys
sorted)). The URL is the one Twilio called: behind ngrok or a TLS-terminating proxy Flask
sees `http://127.0.0.1:8000/voice`, so the public URL is rebuilt from `PUBLIC_BASE_URL`
(path and query of the request appended) when it is set.

The HMAC itself is twilio-python's `RequestValidator` (also tries the URL with and
without the default port, as Twilio's own servers are inconsistent about it).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from twilio.request_validator import RequestValidator

HEADER = "X-Twilio-Signature"


def public_url(*, request_url: str, path: str, query: str, public_base_url: str | None) -> str:
    """The URL Twilio signed: `PUBLIC_BASE_URL` + path (+ query) when set, else as received.

    Args:
        request_url: the full URL as the server received it.
        path: the request path (e.g. `/voice`), including any script root.
        query: the raw query string, without `?` (empty when none).
        public_base_url: e.g. `https://abcd.ngrok-free.app` (a path prefix is kept).
    """
    if not public_base_url:
        return request_url
    url = public_base_url.rstrip("/") + path
    return f"{url}?{query}" if query else url


class SignatureChecker:
    """Validates Twilio signatures with one auth token."""

    def __init__(self, *, auth_token: str) -> None:
        if not auth_token:
            raise ValueError("a Twilio auth token is required to check signatures")
        self._validator = RequestValidator(auth_token)

    def sign(self, *, url: str, params: Mapping[str, Any]) -> str:
        """The signature Twilio would send for this URL and these form parameters."""
        return str(self._validator.compute_signature(url, params))

    def is_valid(self, *, url: str, params: Mapping[str, Any], signature: str | None) -> bool:
        """True when `signature` matches the URL and every form parameter.

        A missing or empty signature is never valid. `params` may be a plain dict or a
        multi-dict (werkzeug's `MultiDict`): repeated keys are all signed.
        """
        if not signature:
            return False
        # Fast path: the URL exactly as Twilio called it (one HMAC). Only on a mismatch
        # try the with/without-default-port variants twilio-python also accepts.
        if not isinstance(params, str):  # a JSON body (bodySHA256) takes the full path
            expected = self._validator.compute_signature(url, params)
            if hmac.compare_digest(expected.encode(), signature.encode()):
                return True
        return bool(self._validator.validate(url, params, signature))
