"""Transport security and bearer tokens: TLS credentials, the token file, the auth interceptor.

Tokens are compared with `hmac.compare_digest` against every configured token
(no early exit), so timing tells nothing about a near miss. The token file is
read again on SIGHUP: a failed read keeps the tokens in force. Health stays
open so that load balancers and Kubernetes probes need no secret; everything
else, reflection included, needs a token once a token file is given. The HTTP
gateway asks `TokenStore.check` too, so both front doors refuse alike.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

from server.errors import RequestError, abort
from server.interceptors import HandlerInterceptor

_LOGGER = logging.getLogger(__name__)

OPEN_SERVICES = ("/grpc.health.v1.Health/",)  # method prefixes served without a token


class TokenFileError(Exception):
    """The token file or a TLS file cannot be read, or the token file holds no token."""


def read_tokens(path: Path) -> tuple[bytes, ...]:
    """The tokens in `path`: one per line; blank lines and lines starting with # are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise TokenFileError(f"cannot read the token file {path}: {exc}") from None
    tokens = tuple(line.strip().encode() for line in lines if line.strip() and not line.lstrip().startswith("#"))
    if not tokens:
        raise TokenFileError(f"the token file {path} holds no token (one per line, # for comments)")
    return tokens


class TokenStore:
    """The accepted bearer tokens, from a file that `reload()` reads again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tokens = read_tokens(path)
        self._lock = threading.Lock()

    def reload(self) -> bool:
        """Read the file again; on failure keep the current tokens and log why."""
        try:
            tokens = read_tokens(self.path)
        except TokenFileError as exc:
            _LOGGER.error("token reload failed, the old tokens stay in force: %s", exc)
            return False
        with self._lock:
            self._tokens = tokens
        _LOGGER.info("reloaded %d tokens from %s", len(tokens), self.path)
        return True

    def check(self, metadata: Iterable[tuple[str, Any]]) -> RequestError | None:
        """None when `metadata` carries `authorization: Bearer <a known token>`, else the refusal to send."""
        header = next((str(value) for key, value in metadata if key.lower() == "authorization"), None)
        if header is None:
            return unauthenticated("MISSING_TOKEN", "this server requires authorization: Bearer <token>")
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return unauthenticated("MISSING_TOKEN", "the authorization header is not 'Bearer <token>'")
        given = token.strip().encode()
        with self._lock:
            tokens = self._tokens
        matched = False
        for known in tokens:  # every token is compared, so the time does not depend on which matched
            matched |= hmac.compare_digest(given, known)
        return None if matched else unauthenticated("INVALID_TOKEN", "the bearer token is not accepted")


def unauthenticated(reason: str, message: str) -> RequestError:
    """UNAUTHENTICATED with an ErrorInfo reason (MISSING_TOKEN or INVALID_TOKEN)."""
    return RequestError(grpc.StatusCode.UNAUTHENTICATED, reason, message)


def _refusing(handler: grpc.RpcMethodHandler, error: RequestError) -> grpc.RpcMethodHandler:
    """`handler` with its behaviour replaced by an immediate refusal (its (de)serializers kept)."""

    def refuse(_request: Any, context: grpc.ServicerContext) -> Any:
        abort(context, error)

    kind = ("stream_" if handler.request_streaming else "unary_") + (
        "stream" if handler.response_streaming else "unary"
    )
    return handler._replace(**{kind: refuse})  # type: ignore[attr-defined]  # RpcMethodHandler is a namedtuple


class AuthInterceptor(HandlerInterceptor):
    """Refuses calls without a valid bearer token, before any work; health is open."""

    def __init__(self, tokens: TokenStore) -> None:
        self.tokens = tokens

    def wrap(
        self, handler: grpc.RpcMethodHandler, method: str, metadata: Sequence[tuple[str, Any]]
    ) -> grpc.RpcMethodHandler:
        if method.startswith(OPEN_SERVICES):
            return handler
        error = self.tokens.check(metadata)
        return handler if error is None else _refusing(handler, error)


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """The PEM files' contents, read once at start-up (before any fork: a bad path fails start-up)."""

    cert: bytes
    key: bytes
    client_ca: bytes | None

    @classmethod
    def read(cls, cert: Path, key: Path, client_ca: Path | None) -> TlsFiles:
        try:
            return cls(cert.read_bytes(), key.read_bytes(), client_ca.read_bytes() if client_ca else None)
        except OSError as exc:
            raise TokenFileError(f"cannot read {exc.filename}: {exc.strerror}") from None

    def credentials(self) -> grpc.ServerCredentials:
        """gRPC server credentials; with `client_ca`, clients must present a certificate it signed (mTLS)."""
        return grpc.ssl_server_credentials(
            [(self.key, self.cert)], root_certificates=self.client_ca, require_client_auth=self.client_ca is not None
        )
