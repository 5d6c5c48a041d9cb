"""The measurements of the service benchmark: the core in process, the alternatives, the served process, echo.

Each size is measured in three phases that never overlap, so no phase
competes for the two cores with another: the core (`Linker.resolve`,
`Linker.link`) in this process on a warm linker; the alternatives in this
process on the same names and text; then `python -m server --workers N` as
a subprocess driven over loopback by concurrent callers, twice at once: plain,
and with TLS, a bearer token, metrics and the access log, loaded in turn.
"""

from __future__ import annotations

import contextlib
import logging
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench import datasets
from bench.alternatives import (
    AhoCorasickSpotter,
    Answer,
    ExtractResolver,
    FtsResolver,
    distinct_keys,
    ensure_alternative_db,
)
from bench.certs import Authority  # cryptography, a dev requirement like the benchmarks
from bench.echo import echo_call
from bench.machine import OtherCpu
from bench.serving import (
    Endpoint,
    Load,
    LoadResult,
    ServedProcess,
    WorkerMemory,
    echo_command,
    free_port,
    run_loads,
    server_command,
)
from bench.timing import Summary, flat, summarize, time_each
from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc
from evaluation.devset import Query, load_queries
from evaluation.scoring import ResolveOutcome, score_resolve
from gazetteer.loader import load_gazetteer
from gazetteer.records import EntityKind
from server.heap import settle_after_load
from server.linking import Linker

_LOGGER = logging.getLogger(__name__)

T = TypeVar("T")

SECURED_TOKEN = "bench-token"


@dataclass(frozen=True, slots=True)
class BenchConfig:
    """How much of everything to run."""

    resolve_rounds: int = 5  # timed passes over the dev Resolve set, after one warm pass
    fts_rounds: int = 3
    extract_queries: int = 5  # process.extract scores every name: timed on this many fixed queries
    link_rounds: int = 200
    long_text_bytes: int = datasets.LONG_TEXT_BYTES
    long_rounds: int = 5  # pairs of Aho-Corasick and Link runs on the long text, interleaved
    real_text_bytes: int = datasets.LONG_TEXT_BYTES  # of the ANERcorp half (about 0.75 MB in all); 0: none
    growth_rounds: int = 20  # alternating rounds on the smallest and the largest gazetteer, in one process
    callers: int = 8
    workers: int = 2
    warm_seconds: float = 2.0  # before every measured round
    load_seconds: float = 10.0  # measured per server, over all its rounds
    load_rounds: int = 2  # rounds of the plain and the secured server, alternating


QUICK = BenchConfig(
    resolve_rounds=2,
    fts_rounds=2,
    link_rounds=30,
    long_rounds=1,
    real_text_bytes=0,
    warm_seconds=1.0,
    load_seconds=3.0,
)


@dataclass(frozen=True, slots=True)
class Texts:
    """What every size runs on: the dev Resolve queries, the seed article, the dev passages, the long text,
    and real newswire ("" when not at hand)."""

    queries: list[Query]
    article: str
    passages: list[str]
    long: str
    real: str = ""

    @classmethod
    def load(cls, long_text_bytes: int = datasets.LONG_TEXT_BYTES, real_text_bytes: int = 0) -> Texts:
        return cls(
            load_queries(),
            datasets.seed_article(),
            datasets.dev_passages(),
            datasets.long_text(long_text_bytes),
            datasets.real_newswire(real_text_bytes),
        )

    def timed_extract_queries(self, n: int) -> list[int]:
        """Indexes of `n` fixed queries spread over the dev set (where process.extract is timed)."""
        count = len(self.queries)
        return sorted({min(count - 1, (i * count) // n) for i in range(n)})


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Accuracy@1 on the queries with an expected QID; false-match rate on those that must be empty."""

    at_1: float
    false_matches: float

    @classmethod
    def of(cls, queries: Sequence[Query], answers: Sequence[Sequence[Answer]]) -> Accuracy:
        outcomes = [
            ResolveOutcome(q, tuple((a.qid, a.score) for a in found)) for q, found in zip(queries, answers, strict=True)
        ]
        report = score_resolve(outcomes)
        return cls(report.accuracy_at_1, report.false_match_rate)


@dataclass(frozen=True, slots=True)
class RealTextResult:
    """Link on real newswire that nobody here wrote (the ANERcorp half), as articles and as one text.

    The seed article and the 1 MB text repeat what the linker has already met, so every word is in
    its per-word caches; real news keeps bringing words a warm linker has not seen, and each costs
    look-ups with its spelling variants the first time.
    """

    articles: int  # the sentences in order, cut into articles of about the seed article's length
    article_ms_unseen: float  # mean Link time per article, each met for the first time
    article_ms_seen: float  # the same articles again, every word now cached
    bytes: int  # the sentences joined into one text
    mentions: int
    seconds: float  # median Link time on the whole text, warm (after WARM_CALLS calls)
    spotter_seconds: float
    share_of_spotter: float  # median over rounds, as for the long text
    # Distinct keys the articles and the warm calls asked the name-key memo for (it holds 200,000).
    name_keys: int = 0

    @property
    def mb_per_second(self) -> float:
        return self.bytes / 1e6 / self.seconds


@dataclass(frozen=True, slots=True)
class CoreResult:
    """The linking core in process."""

    resolve: Summary
    resolve_on_extract_queries: Summary  # the same samples, restricted to the queries process.extract was timed on
    accuracy: Accuracy
    link: Summary
    long_bytes: int
    long_seconds: float  # median Link time on the long text
    long_mentions: int
    # The Aho-Corasick spotter on the same text, timed in the same rounds, each right before a Link:
    # its median time, and the median over rounds of Link's throughput as a share of the spotter's.
    long_spotter_seconds: float
    long_share_of_spotter: float
    spotter_matches: int
    spotter_build_seconds: float
    # The same comparison on real newswire, when the ANERcorp half is at hand (None otherwise).
    real: RealTextResult | None = None

    @property
    def long_mb_per_second(self) -> float:
        return self.long_bytes / 1e6 / self.long_seconds

    @property
    def spotter_mb_per_second(self) -> float:
        return self.long_bytes / 1e6 / self.long_spotter_seconds


@dataclass(frozen=True, slots=True)
class AlternativesResult:
    """The alternatives, on the same names and text."""

    fts: Summary
    fts_accuracy: Accuracy
    extract_all: Summary
    extract_distinct: Summary
    extract_accuracy: Accuracy
    extract_agree: bool  # all-names and distinct-key extract gave the same best answer on the timed queries


@dataclass(frozen=True, slots=True)
class ServedResult:
    """A server process under load over loopback."""

    startup_seconds: float
    first_call_ms: float  # the first call after SERVING, on a cold worker
    load: LoadResult
    memory: list[WorkerMemory]
    request_bytes: int
    response_bytes: int
    log_lines: int = 0  # lines it wrote to standard error while it ran (with the access log, one per call)


@dataclass(frozen=True, slots=True)
class SizeResult:
    """Everything measured on one gazetteer."""

    label: str
    facts: datasets.GazetteerFacts
    core: CoreResult
    alternatives: AlternativesResult | None  # None when skipped (`--no-alternatives`)
    served: ServedResult  # plain: no TLS, tokens, metrics or access log
    secured: ServedResult  # the same load with TLS, a bearer token, metrics and the JSON access log, alternating
    phase_seconds: dict[str, float] = field(default_factory=dict)
    other_cores: dict[str, float] = field(default_factory=dict)  # CPU other processes took during each phase


def measure_core(path: Path, config: BenchConfig, texts: Texts) -> CoreResult:
    """`Linker.resolve` on the dev queries and `Linker.link` on the seed article and the long text, warm."""
    linker = Linker(load_gazetteer(path))
    settle_after_load()  # as the server does after loading
    try:

        def kinds(query: Query) -> frozenset[EntityKind]:
            return frozenset(EntityKind(t) for t in query.types)

        def resolve(query: Query) -> list[Answer]:
            return [Answer(c.entity.qid, c.score) for c in linker.resolve(query.query, query.context, kinds(query), 5)]

        answers = [resolve(q) for q in texts.queries]  # also the warm pass
        samples = time_each(resolve, texts.queries, config.resolve_rounds)
        chosen = texts.timed_extract_queries(config.extract_queries)
        for _ in range(3):
            linker.link(texts.article)
        for passage in texts.passages:  # the long text is made of these: every word is now cached
            linker.link(passage)
        link = summarize(flat(time_each(linker.link, [texts.article], config.link_rounds)))
        started = time.perf_counter()
        spotter = AhoCorasickSpotter(distinct_keys(ensure_alternative_db(path)))
        build_seconds = time.perf_counter() - started
        long = _measure_long_text(linker, spotter, config, texts)
        real = _measure_real_text(linker, spotter, texts.real, config) if texts.real else None
        return CoreResult(
            resolve=summarize(flat(samples)),
            resolve_on_extract_queries=summarize([s for i in chosen for s in samples[i]]),
            accuracy=Accuracy.of(texts.queries, answers),
            link=link,
            long_bytes=len(texts.long.encode("utf-8")),
            real=real,
            spotter_build_seconds=build_seconds,
            **long,
        )
    finally:
        linker.gazetteer.close()


@dataclass(frozen=True, slots=True)
class GrowthResult:
    """The smallest and the largest gazetteer side by side: Link on the seed article, Resolve on the dev set."""

    small_link: Summary
    large_link: Summary
    small_resolve: Summary
    large_resolve: Summary

    @property
    def link(self) -> float:
        return self.large_link.p50 / self.small_link.p50

    @property
    def resolve(self) -> float:
        return self.large_resolve.p50 / self.small_resolve.p50


def measure_growth(small: Path, large: Path, config: BenchConfig, texts: Texts) -> GrowthResult:
    """Both linkers in one process, timed in alternating rounds, so the machine's drift over
    minutes (up to 2x here) falls on both sizes alike instead of on whichever ran later."""
    linkers = [Linker(load_gazetteer(small)), Linker(load_gazetteer(large))]
    settle_after_load()
    try:
        calls = []
        for linker in linkers:

            def resolve(query: Query, linker: Linker = linker) -> object:
                return linker.resolve(query.query, query.context, frozenset(EntityKind(t) for t in query.types), 5)

            for query in texts.queries:  # the warm pass
                resolve(query)
            for passage in [texts.article, *texts.passages]:
                linker.link(passage)
            calls.append((linker.link, resolve))
        link_samples: list[list[float]] = [[], []]
        resolve_samples: list[list[float]] = [[], []]
        per_round = max(1, config.link_rounds // config.growth_rounds)
        for _ in range(config.growth_rounds):
            for i, (link, resolve) in enumerate(calls):
                link_samples[i].extend(flat(time_each(link, [texts.article], per_round)))
                resolve_samples[i].extend(flat(time_each(resolve, texts.queries, 1)))
        return GrowthResult(
            summarize(link_samples[0]),
            summarize(link_samples[1]),
            summarize(resolve_samples[0]),
            summarize(resolve_samples[1]),
        )
    finally:
        for linker in linkers:
            linker.gazetteer.close()


def _measure_fts(alternative_db: Path, config: BenchConfig, texts: Texts) -> tuple[Summary, Accuracy]:
    fts = FtsResolver(alternative_db)
    try:

        def resolve(query: Query) -> list[Answer]:
            return fts.resolve(query.query, frozenset(query.types), 5)

        answers = [resolve(q) for q in texts.queries]  # also the warm pass
        samples = time_each(resolve, texts.queries, config.fts_rounds)
        return summarize(flat(samples)), Accuracy.of(texts.queries, answers)
    finally:
        fts.close()


def _measure_extract(
    path: Path, alternative_db: Path, all_names: bool, queries: Sequence[Query]
) -> tuple[list[float], list[list[Answer]], list[str]]:
    """Times `queries` once each (after one warm call): per-query milliseconds, answers, the resolver's choices."""
    extract = ExtractResolver(path, alternative_db, all_names=all_names)
    try:
        answers: list[list[Answer]] = []

        def resolve(query: Query) -> None:
            answers.append(extract.resolve(query.query, frozenset(query.types), 5))

        extract.resolve(queries[-1].query)  # warm
        samples = [per_query[0] for per_query in time_each(resolve, queries, 1)]
        return samples, answers, extract.choices
    finally:
        extract.close()


def _side_by_side(
    linker: Linker, spotter: AhoCorasickSpotter, text: str, rounds: int
) -> tuple[list[float], list[float]]:
    """Seconds of the spotter and of Link on `text`, round by round: each round times the spotter,
    then Link, so both meet the machine in the same state (its speed drifts by up to 2x over seconds)."""
    spotter_times, link_times = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        spotter.spot(text)
        spotter_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        linker.link(text)
        link_times.append(time.perf_counter() - started)
    return spotter_times, link_times


def _share(spotter_times: list[float], link_times: list[float]) -> float:
    """The median over rounds of Link's throughput as a share of the spotter's."""
    return statistics.median(a / b for a, b in zip(spotter_times, link_times, strict=True))


def _measure_long_text(
    linker: Linker, spotter: AhoCorasickSpotter, config: BenchConfig, texts: Texts
) -> dict[str, Any]:
    """Link and the Aho-Corasick spotter on the long text, side by side (`_side_by_side`); the share
    is the median over rounds of spotter time / Link time."""
    matches = len(spotter.spot(texts.long))
    mentions = len(linker.link(texts.long).mentions)  # also the warm run
    spotter_times, link_times = _side_by_side(linker, spotter, texts.long, config.long_rounds)
    return {
        "long_seconds": statistics.median(link_times),
        "long_mentions": mentions,
        "long_spotter_seconds": statistics.median(spotter_times),
        "long_share_of_spotter": _share(spotter_times, link_times),
        "spotter_matches": matches,
    }


# Calls before the real text is timed warm: each call looks up at most `FRESH_WORDS_PER_CALL`
# new words with their spelling variants, and the ANERcorp half has more than that.
WARM_CALLS = 5


def _measure_real_text(linker: Linker, spotter: AhoCorasickSpotter, text: str, config: BenchConfig) -> RealTextResult:
    """Real newswire: its articles once unseen and once seen, then the whole text side by side with
    Aho-Corasick once warm (`_measure_long_text`)."""
    articles = datasets.articles_of(text, len(datasets.seed_article()))
    keys_before = len(linker.index.key_entries)
    unseen = flat(time_each(linker.link, articles, 1))  # ms
    seen = flat(time_each(linker.link, articles, 1))
    mentions = len(linker.link(text).mentions)
    for _ in range(WARM_CALLS - 1):
        linker.link(text)
    spotter_times, link_times = _side_by_side(linker, spotter, text, config.long_rounds)
    return RealTextResult(
        articles=len(articles),
        article_ms_unseen=statistics.mean(unseen),
        article_ms_seen=statistics.mean(seen),
        bytes=len(text.encode("utf-8")),
        mentions=mentions,
        seconds=statistics.median(link_times),
        spotter_seconds=statistics.median(spotter_times),
        share_of_spotter=_share(spotter_times, link_times),
        name_keys=len(linker.index.key_entries) - keys_before,
    )


def measure_alternatives(path: Path, config: BenchConfig, texts: Texts) -> AlternativesResult:
    """FTS5 + rapidfuzz, process.extract (all names, distinct keys) and Aho-Corasick on the same inputs."""
    alternative_db = ensure_alternative_db(path)
    fts, fts_accuracy = _measure_fts(alternative_db, config, texts)
    chosen = texts.timed_extract_queries(config.extract_queries)
    # Over distinct keys, cheap enough for the whole dev set: its accuracy stands for both variants,
    # which put the same key first (checked on the timed queries: `extract_agree`).
    distinct_samples, distinct_answers, _ = _measure_extract(path, alternative_db, False, texts.queries)
    all_samples, all_answers, _ = _measure_extract(path, alternative_db, True, [texts.queries[i] for i in chosen])
    agree = [found[:1] for found in all_answers] == [distinct_answers[i][:1] for i in chosen]
    return AlternativesResult(
        fts=fts,
        fts_accuracy=fts_accuracy,
        extract_all=summarize(all_samples),
        extract_distinct=summarize([distinct_samples[i] for i in chosen]),
        extract_accuracy=Accuracy.of(texts.queries, distinct_answers),
        extract_agree=agree,
    )


def healthy(channel: grpc.Channel) -> bool:
    answer = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
    return bool(answer.status == health_pb2.HealthCheckResponse.SERVING)


def secured_flags(folder: Path) -> tuple[bytes, tuple[str, ...]]:
    """A throw-away CA and a server certificate for 127.0.0.1 (made now, with `cryptography`) and a token
    file, in `folder`; returns the CA certificate and the flags that turn on TLS, the token check, metrics
    (on a port of their own, multiprocess under --workers) and the JSON access log."""
    ca = Authority(folder, "bench CA")
    cert = ca.issue("server", server=True)
    tokens = folder / "tokens"
    tokens.write_text(SECURED_TOKEN + "\n")
    flags = (
        *("--tls-cert", str(cert.cert_path), "--tls-key", str(cert.key_path)),
        *("--auth-tokens-file", str(tokens), "--metrics-port", "0"),
        *("--access-log", "--log-format", "json"),
    )
    return ca.pem.cert, flags


def start_served(served: ServedProcess, make_call: Callable[[grpc.Channel], Callable[[], T]]) -> tuple[float, float, T]:
    """Start `served`, then make one call on a cold worker: start-up seconds, that call's ms, its answer."""
    startup = served.start()
    with served.endpoint.channel() as channel:
        call = make_call(channel)
        first = time.perf_counter()
        answer = call()
        return startup, (time.perf_counter() - first) * 1000, answer


def link_call(request: pb.LinkRequest, endpoint: Endpoint) -> Callable[[grpc.Channel], Callable[[], pb.LinkResponse]]:
    """For a channel to `endpoint`: a callable that sends `request` to Link (with the endpoint's token)."""

    def make(channel: grpc.Channel) -> Callable[[], pb.LinkResponse]:
        stub = pb_grpc.EntityLinkerServiceStub(channel)
        return lambda: stub.Link(request, timeout=60, metadata=endpoint.metadata)

    return make


def measure_served(path: Path, config: BenchConfig, article: str) -> tuple[ServedResult, ServedResult]:
    """`python -m server --workers N` twice, plain and with TLS, a token, metrics and the JSON access log:
    start-up, the seed article from concurrent callers, worker memory. Both serve at once (started one
    after the other) and are loaded in alternating rounds, so the machine's drift falls on both."""
    request = pb.LinkRequest(text=article)
    with tempfile.TemporaryDirectory(prefix="bench-secured-") as folder, contextlib.ExitStack() as stack:
        ca, flags = secured_flags(Path(folder))
        served = []
        for root_certificates, token, extra in ((None, None, ()), (ca, SECURED_TOKEN, flags)):
            port = free_port()
            endpoint = Endpoint(f"127.0.0.1:{port}", root_certificates, token)
            command = server_command(path, port, config.workers, *extra)
            served.append(stack.enter_context(ServedProcess(command, config.workers, healthy, endpoint)))
        starts = [start_served(s, link_call(request, s.endpoint)) for s in served]
        loads = [Load(s.endpoint, link_call(request, s.endpoint), s.worker_pids()) for s in served]
        results = run_loads(loads, config.callers, config.warm_seconds, config.load_seconds, config.load_rounds)
        plain, secured = (
            ServedResult(startup, first_ms, load, s.memory(), request.ByteSize(), response.ByteSize(), len(s.lines))
            for s, (startup, first_ms, response), load in zip(served, starts, results, strict=True)
        )
    return plain, secured


def measure_echo(config: BenchConfig, request: bytes, response_bytes: int) -> ServedResult:
    """The echo service, `config.workers` processes, under the load Link had: the floor of Python gRPC."""
    port = free_port()
    endpoint = Endpoint(f"127.0.0.1:{port}")

    def answers(channel: grpc.Channel) -> bool:
        return len(echo_call(channel)(request, timeout=2)) == response_bytes

    def call(channel: grpc.Channel) -> Callable[[], object]:
        echo = echo_call(channel)
        return lambda: echo(request, timeout=60)

    with ServedProcess(echo_command(port, config.workers, response_bytes), config.workers, answers, endpoint) as served:
        startup, first_ms, _ = start_served(served, call)
        load = Load(endpoint, call, served.worker_pids())
        (result,) = run_loads([load], config.callers, config.warm_seconds, config.load_seconds)
        memory = served.memory()
    return ServedResult(startup, first_ms, result, memory, len(request), response_bytes)


def measure_size(
    label: str, path: Path, config: BenchConfig, texts: Texts, alternatives_too: bool = True
) -> SizeResult:
    """The three phases on the gazetteer at `path`, one after the other (the alternatives unless skipped)."""
    seconds: dict[str, float] = {}
    others: dict[str, float] = {}

    def phase(name: str, run: Callable[[], T], in_process: bool = True) -> T:
        started = time.monotonic()
        watch = OtherCpu().start()
        result = run()
        if in_process:  # the served phase measures its own, with the workers excluded
            others[name] = round(watch.stop(), 2)
        seconds[name] = round(time.monotonic() - started, 1)
        return result

    core = phase("core", lambda: measure_core(path, config, texts))
    alternatives = None
    if alternatives_too:
        alternatives = phase("alternatives", lambda: measure_alternatives(path, config, texts))
    plain, secured = phase("served", lambda: measure_served(path, config, texts.article), in_process=False)
    others["served"] = round((plain.load.other_cores + secured.load.other_cores) / 2, 2)
    for name in seconds:
        _LOGGER.info("%s: %s in %.1fs; other processes used %.2f cores", label, name, seconds[name], others[name])
    return SizeResult(label, datasets.gazetteer_facts(path), core, alternatives, plain, secured, seconds, others)
