"""A small client for the Wikidata Query Service: SPARQL SELECT over HTTP.

It sends a descriptive User-Agent (Wikimedia's policy), pages a query so that
no request runs into the service's 60-second limit (a page that times out is
retried at half the size), retries 429 and 5xx answers with exponential
backoff, honouring Retry-After, and gives every request a timeout. HTTP is
urllib from the standard library; the retry policy is tenacity's. The endpoint
comes from the caller.
"""

from __future__ import annotations

import json
import logging
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import tenacity

_LOGGER = logging.getLogger(__name__)

_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# What Blazegraph puts in the body of a 500 when the query hit the 60 s limit.
_SERVER_TIMEOUT_MARK = b"TimeoutException"


class WdqsError(RuntimeError):
    """The service refused the query, or kept failing after every retry."""


class QueryTooSlowError(WdqsError):
    """The query ran into a timeout (the service's or ours): a smaller page may pass."""


@dataclass(frozen=True, slots=True)
class WdqsSettings:
    """How to talk to the service. Times are in seconds."""

    endpoint: str
    user_agent: str
    timeout: float = 70.0  # a little over the service's own 60 s limit
    max_retries: int = 5
    backoff_base: float = 2.0  # first wait; doubled on each retry, with jitter
    backoff_max: float = 120.0  # longest wait, including a Retry-After we honour
    page_size: int = 5000  # entities per page
    min_page_size: int = 100


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


class _RetryableAnswerError(Exception):
    """A 429 or 5xx answer: worth asking again, after `retry_after` seconds when the service names them."""

    def __init__(self, why: str, retry_after: float | None) -> None:
        super().__init__(why)
        self.retry_after = retry_after


class WdqsClient:
    """Runs SELECT queries; `sleep` and `urlopen` are injectable for tests."""

    def __init__(
        self,
        settings: WdqsSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        urlopen: Callable[..., Any] = urllib.request.urlopen,
    ) -> None:
        if not settings.user_agent.strip():
            raise ValueError("the Wikidata Query Service requires a descriptive User-Agent")
        self.settings = settings
        self._urlopen = urlopen
        self.requests = 0
        self.retries = 0
        # Exponential backoff with "equal jitter": of each doubling window (backoff_base, 2 × that, ...,
        # up to backoff_max) half is waited out and half drawn at random, so clients retrying together
        # spread out and none comes back at once.
        half_base, half_max = settings.backoff_base / 2, settings.backoff_max / 2
        self._backoff = tenacity.wait_exponential(
            multiplier=half_base, max=half_max
        ) + tenacity.wait_random_exponential(multiplier=half_base, max=half_max)
        self._retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_RetryableAnswerError),
            stop=tenacity.stop_after_attempt(settings.max_retries + 1),
            wait=self._wait,
            sleep=sleep,
            before_sleep=self._before_sleep,
            retry_error_callback=self._give_up,
        )

    def select(self, query: str) -> dict[str, Any]:
        """The SPARQL JSON results of `query`, after retries; raises `WdqsError` or `QueryTooSlowError`."""
        results: dict[str, Any] = self._retrying(self._post, urllib.parse.urlencode({"query": query}).encode())
        return results

    def _post(self, body: bytes) -> dict[str, Any]:
        """One request: the results, or `_RetryableAnswerError` for tenacity to retry, or a final error."""
        settings = self.settings
        request = urllib.request.Request(
            settings.endpoint,
            data=body,
            headers={
                "User-Agent": settings.user_agent,
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            method="POST",
        )
        self.requests += 1
        try:
            with self._urlopen(request, timeout=settings.timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as exc:
            error_body = exc.read() or b""
            if exc.code == 500 and _SERVER_TIMEOUT_MARK in error_body:
                raise QueryTooSlowError("the query ran into the service's time limit") from None
            if exc.code not in _RETRYABLE_STATUS:
                message = error_body[:300].decode("utf-8", "replace")
                raise WdqsError(f"HTTP {exc.code} from {settings.endpoint}: {message}") from None
            retry_after = retry_after_seconds(exc.headers.get("Retry-After"))
            if retry_after is not None and retry_after > settings.backoff_max:
                raise WdqsError(
                    f"HTTP {exc.code}: the service asks to wait {retry_after:.0f}s, more than {settings.backoff_max}s"
                ) from None
            raise _RetryableAnswerError(f"HTTP {exc.code}", retry_after) from None
        except TimeoutError as exc:
            raise QueryTooSlowError(f"no answer within {settings.timeout}s") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise QueryTooSlowError(f"no answer within {settings.timeout}s") from exc
            # A failed name look-up or a refused connection is not mended by waiting (without a network
            # it took five retries and 45 s to say so): fail now. Only 429 and 5xx answers are retried.
            raise WdqsError(f"cannot reach {settings.endpoint}: {exc.reason}") from None
        try:
            results: dict[str, Any] = json.loads(payload)
        except ValueError:
            # The service cuts a streamed answer short when the query times out mid-way.
            raise QueryTooSlowError("the answer is not complete JSON (cut short by a timeout?)") from None
        return results

    def _wait(self, state: tenacity.RetryCallState) -> float:
        """What the service's Retry-After asks, else the backoff."""
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _RetryableAnswerError) and error.retry_after is not None:
            return error.retry_after
        return float(self._backoff(state))

    def _before_sleep(self, state: tenacity.RetryCallState) -> None:
        self.retries += 1
        error = state.outcome.exception() if state.outcome else None
        _LOGGER.warning(
            "%s; retry %d of %d in %.1fs", error, state.attempt_number, self.settings.max_retries, state.upcoming_sleep
        )

    def _give_up(self, state: tenacity.RetryCallState) -> Any:
        error = state.outcome.exception() if state.outcome else None
        raise WdqsError(f"{error} from {self.settings.endpoint}, still after {self.settings.max_retries} retries")

    def pages(self, render: Callable[[int, int], str]) -> Iterator[tuple[dict[str, Any], int]]:
        """Run a paged query to its end: `render(limit, offset)` gives each page's text.

        Yields each page's results and the page size it was asked for. A page
        with fewer distinct ``?item`` values than asked for is the last. A page
        that runs into a timeout is asked again at half the size.
        """
        limit, offset = self.settings.page_size, 0
        while True:
            try:
                results = self.select(render(limit, offset))
            except QueryTooSlowError as exc:
                if limit <= self.settings.min_page_size:
                    raise WdqsError(f"even a page of {limit} entities is too slow: {exc}") from exc
                limit = max(self.settings.min_page_size, limit // 2)
                _LOGGER.warning("%s; trying pages of %d entities", exc, limit)
                continue
            yield results, limit
            bindings = results.get("results", {}).get("bindings", [])
            items = {b["item"]["value"] for b in bindings if isinstance(b, dict) and "item" in b}
            if len(items) < limit:
                return
            offset += limit
