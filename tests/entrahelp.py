"""A stand-in for Microsoft Entra ID's v2.0 sign-in endpoints, on loopback, for tests/browser/test_hub_entra.py.

No tenant can be reached from the test machine, so this answers as Entra ID does for one app registration:
`/{tenant}/oauth2/v2.0/authorize` sends the browser back to the redirect URI with a code (for whoever the test
says is signing in), and `/{tenant}/oauth2/v2.0/token` exchanges the code for an ID token, checking what Entra ID
checks: the client's ID and secret, the same redirect URI, the code used once, and PKCE's verifier against the
challenge. Every request is kept, so a test can read what the hub sent.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


class StandInEntra:
    def __init__(self, tenant_id: str, client_id: str, client_secret: str):
        self.tenant_id, self.client_id, self.client_secret = tenant_id, client_id, client_secret
        self.signing_in: dict = {}  # the claims of whoever signs in next
        self.codes: dict[str, dict] = {}
        self.authorize_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self.refusals: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def authority(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> StandInEntra:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def claims_for(self, login: str, tenant: str | None = None, groups: list[str] | None = None, **more) -> dict:
        """An ID token's claims as Entra ID writes them for `login` (preferred_username holds the UPN)."""
        return {"tid": tenant or self.tenant_id, "preferred_username": login, "name": login.split("@")[0],
                "oid": secrets.token_hex(16), **({"groups": groups} if groups is not None else {}), **more}

    def _handler(self):
        entra = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _refuse(self, error: str) -> None:
                entra.refusals.append(error)
                self._send(400, json.dumps({"error": "invalid_request", "error_description": error}).encode(),
                           {"Content-Type": "application/json"})

            def do_GET(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path != f"/{entra.tenant_id}/oauth2/v2.0/authorize":
                    return self._send(404)
                entra.authorize_requests.append(query)
                if query.get("client_id") != entra.client_id or query.get("response_type") != "code":
                    return self._refuse("unknown client or response type")
                code = secrets.token_urlsafe(24)
                entra.codes[code] = {"claims": dict(entra.signing_in), "redirect_uri": query.get("redirect_uri"),
                                     "challenge": query.get("code_challenge")}
                back = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
                self._send(302, headers={"Location": back})

            def do_POST(self):
                url = urlsplit(self.path)
                if url.path != f"/{entra.tenant_id}/oauth2/v2.0/token":
                    return self._send(404)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                basic = self.headers.get("Authorization", "")
                if basic.startswith("Basic "):
                    client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
                    form.setdefault("client_id", client_id)
                    form.setdefault("client_secret", secret)
                entra.token_requests.append(form)
                grant = entra.codes.pop(form.get("code", ""), None)  # a code is used once
                if grant is None:
                    return self._refuse("unknown or used code")
                if (form.get("client_id"), form.get("client_secret")) != (entra.client_id, entra.client_secret):
                    return self._refuse("wrong client id or secret")
                if form.get("redirect_uri") != grant["redirect_uri"]:
                    return self._refuse("redirect_uri differs from the authorisation request's")
                verifier = form.get("code_verifier", "").encode()
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
                if not grant["challenge"] or challenge != grant["challenge"]:
                    return self._refuse("PKCE verifier does not match the challenge")
                now = int(time.time())
                claims = {"aud": entra.client_id, "iss": f"{entra.authority}/{grant['claims'].get('tid')}/v2.0",
                          "iat": now, "nbf": now, "exp": now + 3600, "ver": "2.0", **grant["claims"]}
                id_token = _unsigned_looking_jwt(claims)
                body = {"token_type": "Bearer", "scope": "openid profile", "expires_in": 3600,
                        "access_token": secrets.token_urlsafe(32), "id_token": id_token}
                self._send(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

        return Handler


def _unsigned_looking_jwt(claims: dict) -> str:
    """A JWT of these claims, signed with a key nobody keeps (the hub receives it straight from the token endpoint
    over TLS, as OpenID Connect allows, and does not check its signature)."""
    import jwt

    return jwt.encode(claims, secrets.token_bytes(32), algorithm="HS256")
