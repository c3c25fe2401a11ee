"""A real OpenID Connect provider for the tests, and a token-endpoint proxy in front of it.

``OidcProvider`` runs ``node provider.mjs`` (panva/oidc-provider, pinned in package.json and
package-lock.json here; ``npm ci`` when node_modules is missing) on a free port, with signing
keys the test made (so the test knows the provider's key), and waits for its discovery
document. ``TokenProxy`` sits between our application and the provider's token endpoint: it
forwards the real code exchange and, when told, alters the real ID token the provider issued
(re-signed with the provider's own key, with another key, or not at all), so the application
sees exactly what a misbehaving provider or an attacker in the middle would send.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

HERE = Path(__file__).resolve().parent
START_TIMEOUT = 60.0  # seconds for npm ci and node to answer


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SigningKey:
    kid: str
    alg: str
    private: Any

    @classmethod
    def rsa(cls, kid: str) -> SigningKey:
        return cls(kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @classmethod
    def ec(cls, kid: str) -> SigningKey:
        return cls(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))

    def private_jwk(self) -> dict[str, Any]:
        algorithm = RSAAlgorithm if self.alg.startswith("RS") else ECAlgorithm
        jwk: dict[str, Any] = algorithm.to_jwk(self.private, as_dict=True)
        jwk.pop("key_ops", None)  # PyJWT says ["sign"]: the provider must verify with it too
        return {**jwk, "kid": self.kid, "alg": self.alg, "use": "sig"}

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        return jwt.encode(
            claims, self.private, algorithm=self.alg, headers={"kid": self.kid, **header}
        )


def ensure_node_modules() -> None:
    """``npm ci`` from the committed lock file when node_modules is missing."""
    if (HERE / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed for the OIDC tests (apt-get install nodejs npm)")
    subprocess.run(  # noqa: S603 (npm from PATH, fixed arguments)
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=HERE,
        check=True,
        timeout=300,
    )


@dataclass
class OidcProvider:
    clients: list[dict[str, Any]]
    accounts: dict[str, dict[str, str]]
    acr_values: list[str]
    keys: list[SigningKey] = field(default_factory=lambda: [SigningKey.rsa("test-rsa")])
    port: int = 0
    process: subprocess.Popen[str] | None = None
    workdir: str = ""

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> OidcProvider:
        ensure_node_modules()
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is needed for the OIDC tests")
        self.port = free_port()
        self.workdir = tempfile.mkdtemp(prefix="btt-oidc-")
        config_path = Path(self.workdir) / "config.json"
        config_path.write_text(
            json.dumps(
                {
                    "port": self.port,
                    "issuer": self.issuer,
                    "jwks": {"keys": [k.private_jwk() for k in self.keys]},
                    "clients": self.clients,
                    "accounts": self.accounts,
                    "acr_values": self.acr_values,
                }
            )
        )
        log = open(Path(self.workdir) / "provider.log", "w")  # noqa: SIM115 (kept open while it runs)
        self.process = subprocess.Popen(  # noqa: S603 (node from PATH, our script)
            [node, "provider.mjs", str(config_path)],
            cwd=HERE,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: stopped as a whole
            env={**os.environ, "NODE_ENV": "test"},
        )
        deadline = time.monotonic() + START_TIMEOUT
        url = f"{self.issuer}/.well-known/openid-configuration"
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the OIDC provider exited: {self.log_text()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local)
                    if json.load(response).get("issuer") == self.issuer:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the OIDC provider did not start: {self.log_text()}")
            time.sleep(0.1)  # polling for the discovery document, with a deadline

    def log_text(self) -> str:
        try:
            return (Path(self.workdir) / "provider.log").read_text()[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TokenProxy:
    """Forwards POST /token to the provider's token endpoint; ``mode`` says what to do with the
    ID token in the answer:

    - ``pass``: nothing (and remember it, for ``replay``);
    - ``other_key``: re-signed with a key the provider never published (same kid);
    - ``claims``: re-signed with the provider's own key after ``claims`` (a dict) is merged in
      (``None`` values delete a claim): a wrong audience, an expired token, another issuer;
    - ``alg_none``: an unsigned token (``alg: none``) with the same claims;
    - ``replay``: the ID token of an earlier login (its nonce belongs to that login).
    """

    def __init__(self, upstream: str, provider_key: SigningKey) -> None:
        self.upstream = upstream
        self.provider_key = provider_key
        self.mode = "pass"
        self.claims: dict[str, Any] = {}
        self.other_key = SigningKey.rsa(provider_key.kid)
        self.last_id_token: str | None = None
        self.exchanges = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() in ("content-type", "authorization", "accept")
                }
                request = urllib.request.Request(  # noqa: S310 (the provider's http URL)
                    proxy.upstream, data=body, headers=headers
                )
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                        status, payload = response.status, response.read()
                except urllib.error.HTTPError as error:
                    status, payload = error.code, error.read()
                if status == 200:
                    proxy.exchanges += 1
                    payload = proxy.alter(payload)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/token"

    def start(self) -> TokenProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def set(self, mode: str, **claims: Any) -> None:
        self.mode, self.claims = mode, claims

    def alter(self, payload: bytes) -> bytes:
        answer = json.loads(payload)
        id_token = answer["id_token"]
        claims = jwt.decode(id_token, options={"verify_signature": False})
        if self.mode == "pass":
            self.last_id_token = id_token
        elif self.mode == "other_key":
            answer["id_token"] = self.other_key.sign(claims)
        elif self.mode == "claims":
            for name, value in self.claims.items():
                if value is None:
                    claims.pop(name, None)
                else:
                    claims[name] = value
            answer["id_token"] = self.provider_key.sign(claims)
        elif self.mode == "alg_none":
            header = _b64(json.dumps({"alg": "none", "kid": self.provider_key.kid}).encode())
            answer["id_token"] = f"{header}.{_b64(json.dumps(claims).encode())}."
        elif self.mode == "replay":
            assert self.last_id_token is not None, "a login must pass first"
            answer["id_token"] = self.last_id_token
        return json.dumps(answer).encode()
