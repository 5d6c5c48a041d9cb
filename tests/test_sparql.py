"""SPARQL results → records, the query templates, and the WDQS client against a local replay server."""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from gazetteer.__main__ import main
from gazetteer.loader import load_gazetteer
from gazetteer.profile import load_profile
from gazetteer.readers.sparql import (
    SparqlFormatError,
    SparqlReader,
    load_queries,
    records_from_results,
)
from gazetteer.records import EntityKind
from gazetteer.wdqs import QueryTooSlowError, WdqsClient, WdqsError, WdqsSettings, retry_after_seconds

DATA = Path(__file__).parent / "data" / "wikidata"
USER_AGENT = "entitylinker-tests/0.1 (https://example.org/contact)"
_EMPTY = {"head": {"vars": ["item"]}, "results": {"bindings": []}}


def fixture(name: str) -> dict[str, object]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None  # wait on this before answering (a slow server)


@dataclass
class Replay:
    """What the server answers: scripted replies first, then the fixture of the query's kind and page."""

    scripted: list[Reply] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)

    def answer(self, query: str) -> Reply:
        if self.scripted:
            return self.scripted.pop(0)
        offset = int(re.search(r"OFFSET\s+(\d+)", query).group(1))  # type: ignore[union-attr]
        if "?personClass" in query:
            pages = ["wdqs-officials-page1.json", "wdqs-officials-page2.json"]
        elif "?placeClass" in query:
            pages = ["wdqs-places.json"]
        else:
            pages = ["wdqs-organizations.json"]
        page = offset // 2  # the tests page by two entities
        body = (DATA / pages[page]).read_bytes() if page < len(pages) else json.dumps(_EMPTY).encode()
        return Reply(200, body, {"Content-Type": "application/sparql-results+json"})


@pytest.fixture
def server() -> Iterator[tuple[str, Replay]]:
    """A SPARQL endpoint on 127.0.0.1, ephemeral port, that replays responses in the real format."""
    replay = Replay()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            query = form["query"][0]
            replay.requests.append(
                {"query": query, "user_agent": self.headers["User-Agent"], "accept": self.headers["Accept"]}
            )
            reply = replay.answer(query)
            if reply.hold is not None:
                reply.hold.wait(10)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql", replay
    finally:
        for reply in replay.scripted:
            if reply.hold is not None:
                reply.hold.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


# Quick retries and pages of two, so a few scripted replies exercise paging and backoff.
FAST = {"timeout": 5.0, "max_retries": 3, "backoff_base": 0.01, "backoff_max": 5.0, "page_size": 2, "min_page_size": 1}


def client(endpoint: str, sleeps: list[float] | None = None, **overrides: object) -> WdqsClient:
    settings = dataclasses.replace(WdqsSettings(endpoint, USER_AGENT), **{**FAST, **overrides})  # type: ignore[arg-type]
    recorded = sleeps if sleeps is not None else []
    return WdqsClient(settings, sleep=recorded.append)


# Results → records


def test_rows_of_one_item_become_one_record() -> None:
    records = records_from_results(fixture("wdqs-officials-page1.json"), EntityKind.PERSON)
    assert [r.qid for r in records] == ["Q76", "Q9000000101"]
    obama, minister = records
    assert (obama.label_ar, obama.label_en) == ("باراك أوباما", "Barack Obama")
    assert obama.description_en == "44th President of the United States"
    assert obama.aliases_ar == ("باراك حسين أوباما",) and obama.aliases_en == ("Barack Hussein Obama",)
    assert (obama.country_qid, obama.positions, obama.instance_of, obama.sitelinks) == ("Q30", ("Q11696",), ("Q5",), 2)
    assert obama.sources == ("wdqs",)
    assert minister.aliases_ar == ("الوزير التجريبي", "وزير اختبار")
    assert minister.positions == ("Q9200000001", "Q9200000002")


def test_coordinates_come_from_wkt_points_on_earth_only() -> None:
    records = {r.qid: r for r in records_from_results(fixture("wdqs-places.json"), EntityKind.PLACE)}
    rabat = records["Q3551"]
    assert (rabat.lat, rabat.lon) == (34.02, -6.84)  # WKT is Point(lon lat)
    assert rabat.kind is EntityKind.PLACE and rabat.country_qid == "Q1028"
    assert records["Q9000000103"].lat is None  # a point on Mars


def test_entities_without_an_arabic_name_are_dropped_by_default() -> None:
    results = fixture("wdqs-organizations.json")
    assert [r.qid for r in records_from_results(results, EntityKind.ORGANIZATION)] == ["Q1065"]
    kept = records_from_results(results, EntityKind.ORGANIZATION, require_arabic_name=False)
    assert [r.qid for r in kept] == ["Q1065", "Q9000000104"]


@pytest.mark.parametrize(
    "results",
    [
        {"results": {"bindings": []}},
        {"head": {"vars": ["x"]}, "results": {"bindings": []}},
        {"head": {"vars": ["item"]}, "results": {"bindings": [{"item": {"type": "literal", "value": "Q1"}}]}},
        {"head": {"vars": ["item"]}, "results": {"bindings": [{"item": {"type": "uri", "value": "http://x/Q1"}}]}},
    ],
)
def test_malformed_results_are_rejected(results: dict[str, object]) -> None:
    with pytest.raises(SparqlFormatError):
        records_from_results(results, EntityKind.PLACE)


# Query templates


def test_query_templates_take_their_classes_from_the_profile() -> None:
    queries = {q.name: q for q in load_queries()}
    assert {name: q.kind for name, q in queries.items()} == {
        "officials": EntityKind.PERSON,
        "places": EntityKind.PLACE,
        "organizations": EntityKind.ORGANIZATION,
    }
    profile = load_profile()
    for query in queries.values():
        text = query.render(profile, 500, 1000)
        assert not re.search(r"\{\{\w+\}\}", text) and "LIMIT 500" in text and "OFFSET 1000" in text
        assert 'FILTER(LANG(?arabicName) = "ar")' in text
    assert "wd:Q6256" in queries["places"].render(profile, 1, 0)
    assert "wd:Q82955" in queries["officials"].render(profile, 1, 0)


# The client


def test_pages_until_a_short_page_with_a_descriptive_user_agent(server: tuple[str, Replay]) -> None:
    endpoint, replay = server
    pages = list(client(endpoint).pages(lambda limit, offset: f"SELECT ?personClass LIMIT {limit} OFFSET {offset}"))
    assert [len(p["results"]["bindings"]) for p, _ in pages] == [17, 5]  # type: ignore[index]
    assert [re.search(r"OFFSET (\d+)", r["query"]).group(1) for r in replay.requests] == ["0", "2"]  # type: ignore[union-attr]
    assert {r["user_agent"] for r in replay.requests} == {USER_AGENT}
    assert {r["accept"] for r in replay.requests} == {"application/sparql-results+json"}


def test_429_honours_retry_after_and_500_backs_off(server: tuple[str, Replay]) -> None:
    endpoint, replay = server
    replay.scripted = [
        Reply(429, b"Too Many Requests", {"Retry-After": "3"}),
        Reply(500, b"Internal Server Error"),
    ]
    sleeps: list[float] = []
    wdqs = client(endpoint, sleeps)
    results = wdqs.select("SELECT ?placeClass LIMIT 2 OFFSET 0")
    assert len(results["results"]["bindings"]) == 11
    assert sleeps[0] == 3.0  # exactly what Retry-After asked
    assert 0.01 <= sleeps[1] <= 0.02  # backoff base 0.01 doubled once, with jitter in its upper half
    assert (wdqs.requests, wdqs.retries) == (3, 2)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured_in_seconds_and_as_a_date(server: tuple[str, Replay], status: int) -> None:
    endpoint, replay = server
    replay.scripted = [
        Reply(status, b"busy", {"Retry-After": "2"}),
        Reply(status, b"busy", {"Retry-After": "Wed, 21 Oct 2015 07:28:30 GMT"}),  # a date gone by: no wait
    ]
    sleeps: list[float] = []
    wdqs = client(endpoint, sleeps)
    assert len(wdqs.select("SELECT ?placeClass LIMIT 2 OFFSET 0")["results"]["bindings"]) == 11
    assert sleeps == [2.0, 0.0]
    assert (wdqs.requests, wdqs.retries) == (3, 2)


def test_a_retry_after_past_the_longest_wait_fails_at_once(server: tuple[str, Replay]) -> None:
    endpoint, replay = server
    replay.scripted = [Reply(429, b"slow down", {"Retry-After": "600"})]
    sleeps: list[float] = []
    with pytest.raises(WdqsError, match=r"asks to wait 600s, more than 5\.0s"):
        client(endpoint, sleeps).select("SELECT ?placeClass OFFSET 0")
    assert sleeps == [] and len(replay.requests) == 1


def test_real_backoff_sleeps_are_short_with_a_small_base(server: tuple[str, Replay]) -> None:
    endpoint, replay = server
    replay.scripted = [Reply(503, b"busy"), Reply(502, b"bad gateway")]
    wdqs = WdqsClient(WdqsSettings(endpoint, USER_AGENT, timeout=5, backoff_base=0.001, page_size=2))
    assert wdqs.select("SELECT ?placeClass OFFSET 0")["head"]
    assert wdqs.retries == 2


def test_retries_run_out(server: tuple[str, Replay]) -> None:
    endpoint, replay = server
    replay.scripted = [Reply(500, b"oops") for _ in range(4)]
    with pytest.raises(WdqsError, match="after 3 retries"):
        client(endpoint).select("SELECT ?placeClass OFFSET 0")


def test_a_bad_query_is_not_retried(server: tuple[str, Replay]) -> None:
    endpoint, replay = server
    replay.scripted = [Reply(400, b"MalformedQueryException: bad syntax")]
    with pytest.raises(WdqsError, match=r"HTTP 400.*MalformedQuery"):
        client(endpoint).select("SELEC")
    assert len(replay.requests) == 1


def test_a_page_that_hits_the_time_limit_is_asked_again_at_half_size(server: tuple[str, Replay]) -> None:
    endpoint, replay = server
    replay.scripted = [Reply(500, b"java.util.concurrent.TimeoutException")]
    wdqs = client(endpoint, page_size=4, min_page_size=1)
    pages = list(wdqs.pages(lambda limit, offset: f"SELECT ?personClass LIMIT {limit} OFFSET {offset}"))
    assert [limit for _, limit in pages] == [2, 2]
    assert [re.search(r"LIMIT (\d+)", r["query"]).group(1) for r in replay.requests] == ["4", "2", "2"]  # type: ignore[union-attr]


def test_a_slow_answer_times_out(server: tuple[str, Replay]) -> None:
    endpoint, replay = server
    replay.scripted = [Reply(200, b"{}", hold=threading.Event())]
    with pytest.raises(QueryTooSlowError):
        client(endpoint, timeout=0.2).select("SELECT ?placeClass OFFSET 0")


def test_an_answer_cut_short_counts_as_too_slow(server: tuple[str, Replay]) -> None:
    endpoint, replay = server
    replay.scripted = [Reply(200, b'{"head":{"vars":["item"]},"results":{"bindings":[{"item"')]
    with pytest.raises(QueryTooSlowError, match="not complete JSON"):
        client(endpoint).select("SELECT ?placeClass OFFSET 0")


def test_retry_after_as_an_http_date() -> None:
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412500.0) == 10.0
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_a_user_agent_is_required() -> None:
    with pytest.raises(ValueError, match="User-Agent"):
        WdqsClient(WdqsSettings("http://127.0.0.1:9/sparql", " "))


# End to end


def test_reader_runs_every_query(server: tuple[str, Replay]) -> None:
    endpoint, _ = server
    reader = SparqlReader(client(endpoint), load_queries(), load_profile(), progress=False)
    qids = [r.qid for r in reader]
    assert qids == ["Q76", "Q9000000101", "Q9000000102", "Q1065", "Q3551", "Q9000000103"]
    assert reader.stats.queries["organizations"] == {"pages": 2, "rows": 7, "records": 1}
    assert reader.stats.queries["officials"] == {"pages": 2, "rows": 22, "records": 3}


def test_cli_builds_from_the_query_service(server: tuple[str, Replay], tmp_path: Path) -> None:
    endpoint, replay = server
    replay.scripted = [Reply(429, b"slow down", {"Retry-After": "0"})]
    out = tmp_path / "gazetteer.sqlite"
    argv = ["build", "--sparql", "--no-seeds", "--out", str(out), "--endpoint", endpoint, "--page-size", "2"]
    assert main([*argv, "--user-agent", USER_AGENT, "--backoff", "0.001", "--no-progress"]) == 0
    with sqlite3.connect(out) as conn:
        qids = {row[0] for row in conn.execute("SELECT qid FROM entities")}
    assert qids == {"Q76", "Q9000000101", "Q9000000102", "Q1065", "Q3551", "Q9000000103"}
    gazetteer = load_gazetteer(out)  # the server's loader accepts the file
    rabat = gazetteer.entity("Q3551")
    assert rabat is not None and rabat.lat == 34.02
    assert gazetteer.info.sources == ("wdqs",)


@pytest.mark.parametrize("endpoint", ["http://wdqs.invalid/sparql", "http://127.0.0.1:9/sparql"])
def test_unreachable_endpoint_fails_at_once(endpoint: str) -> None:
    """A name that does not resolve, or a refused connection, is not retried: only 429 and 5xx are."""
    sleeps: list[float] = []
    wdqs = WdqsClient(WdqsSettings(endpoint, USER_AGENT, timeout=5, backoff_base=1.0), sleep=sleeps.append)
    started = time.monotonic()
    with pytest.raises(WdqsError, match="cannot reach"):
        wdqs.select("SELECT ?x WHERE {}")
    assert time.monotonic() - started < 5
    assert wdqs.requests == 1 and sleeps == []
