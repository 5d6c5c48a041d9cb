"""Bounded work, bounded concurrency, errors that stay errors: each test reproduces a defect of issue 10."""

from __future__ import annotations

import random
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from client.__main__ import CHANNEL_OPTIONS, MAX_RECEIVE_BYTES
from entitylinker.v1 import entity_linker_service_pb2 as pb
from server import convert
from server.linking import LinkOptions
from server.service import MAX_RESPONSE_BYTES, SERVICE_NAME, CallStoppedError, EntityLinkerService
from tests.conftest import RunningServer, error_reason

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
LIMIT = 1024 * 1024
WAIT = 30.0  # seconds any single call in these tests may take, far above what it needs


def _serving(channel: grpc.Channel) -> int:
    return health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=WAIT).status


def _every_codepoint_class() -> str:
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    while len(text.encode("utf-8")) > LIMIT:
        text = text[: len(text) * 9 // 10]
    return text


def _worst_cases() -> dict[str, str]:
    rng = random.Random(10)
    return {
        "one long word": "".join(rng.choice(LETTERS) for _ in range(LIMIT // 2 - 8)),
        "one letter repeated": "ب" * (LIMIT // 2 - 10),
        "a name repeated 100,000 times": "مصر " * 100_000,
        "random letters": "".join(rng.choice(LETTERS + " ") for _ in range(LIMIT // 2 - 8)),
        "every codepoint class": _every_codepoint_class(),
        "NUL and controls": "\x00\x01\x02\x7f\x85" * (LIMIT // 8),
    }


@pytest.fixture
def bounded(start_server: Callable[..., RunningServer]) -> Iterator[tuple[RunningServer, grpc.Channel]]:
    """A server that gives each call 2 s of work at most (`--max-call-seconds 2`)."""
    running = start_server(max_call_seconds=2.0)
    with grpc.insecure_channel(running.address, options=CHANNEL_OPTIONS) as channel:
        yield running, channel


# -- defects 1 and 2: bounded work per request ---------------------------------------------


@pytest.mark.parametrize("case", list(_worst_cases()))
def test_worst_case_inputs_end_ok_or_with_a_clean_error(bounded: tuple[RunningServer, grpc.Channel], case: str) -> None:
    running, channel = bounded
    text = _worst_cases()[case]
    assert len(text.encode("utf-8")) <= LIMIT
    try:
        running.stub(channel).Link(pb.LinkRequest(text=text), timeout=WAIT)
    except grpc.RpcError as error:
        assert (error.code(), error_reason(error)) in {
            (grpc.StatusCode.DEADLINE_EXCEEDED, "CALL_TIME_LIMIT"),
            (grpc.StatusCode.RESOURCE_EXHAUSTED, "RESPONSE_TOO_LARGE"),
        }, error.details()
    assert _serving(channel) == health_pb2.HealthCheckResponse.SERVING
    mentions = running.stub(channel).Link(pb.LinkRequest(text="زار بوريطة الرباط"), timeout=WAIT).mentions
    assert [m.entity.qid for m in mentions] == ["Q24893357", "Q3551"]


def test_resolve_context_is_bounded_too(bounded: tuple[RunningServer, grpc.Channel]) -> None:
    running, channel = bounded
    try:
        running.stub(channel).Resolve(pb.ResolveRequest(mention="الرباط", context="مصر " * 100_000), timeout=WAIT)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED and error_reason(error) == "CALL_TIME_LIMIT"
    assert _serving(channel) == health_pb2.HealthCheckResponse.SERVING


def test_the_server_stops_a_call_past_its_cap(start_server: Callable[..., RunningServer]) -> None:
    """The core's work stops at the server's own cap, whatever deadline the caller gave (defect 2)."""
    running = start_server(max_call_seconds=0.001)
    with grpc.insecure_channel(running.address) as channel:
        with pytest.raises(grpc.RpcError) as caught:
            running.stub(channel).Link(pb.LinkRequest(text="مصر " * 20_000), timeout=WAIT)
        assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        assert error_reason(caught.value) == "CALL_TIME_LIMIT"
        assert "--max-call-seconds" in caught.value.details()


class _Context:
    """A stand-in servicer context: active or not, with some time left or none."""

    def __init__(self, active: bool, remaining: float | None) -> None:
        self.active, self.remaining = active, remaining

    def is_active(self) -> bool:
        return self.active

    def time_remaining(self) -> float | None:
        return self.remaining


@pytest.mark.parametrize(
    ("active", "remaining", "code"),
    [(False, 10.0, grpc.StatusCode.CANCELLED), (True, 0.0, grpc.StatusCode.DEADLINE_EXCEEDED)],
)
def test_the_interrupt_stops_the_core_when_the_caller_is_gone_or_late(
    running_service: EntityLinkerService, active: bool, remaining: float, code: grpc.StatusCode
) -> None:
    interrupt = running_service._interrupt(_Context(active, remaining))  # type: ignore[arg-type]
    with pytest.raises(CallStoppedError) as caught:
        running_service.holder.linker.link("مصر " * 2000, interrupt=interrupt)
    assert caught.value.error.code == code


@pytest.fixture
def running_service(start_server: Callable[..., RunningServer]) -> EntityLinkerService:
    running = start_server()
    return EntityLinkerService(running.holder, LIMIT)


# -- defect 3: concurrency that cannot be exhausted ----------------------------------------


class _IdleStream:
    """A LinkStream that sends one document, reads its answer, then sends nothing until released."""

    def __init__(self, channel: grpc.Channel) -> None:
        self.release = threading.Event()
        self.call = channel.stream_stream(
            f"/{SERVICE_NAME}/LinkStream",
            request_serializer=pb.LinkStreamRequest.SerializeToString,
            response_deserializer=pb.LinkStreamResponse.FromString,
        )(self._requests(), timeout=WAIT)

    def _requests(self) -> Iterator[pb.LinkStreamRequest]:
        yield pb.LinkStreamRequest(request=pb.LinkRequest(text="الرباط"))
        self.release.wait(WAIT)

    def first(self) -> pb.LinkStreamResponse:
        return next(self.call)  # type: ignore[no-any-return]


def test_idle_streams_leave_health_and_unary_calls_answering(start_server: Callable[..., RunningServer]) -> None:
    running = start_server(threads=16, max_streams=8)
    channels = [grpc.insecure_channel(running.address) for _ in range(9)]
    streams = [_IdleStream(c) for c in channels[:8]]
    try:
        for stream in streams:
            assert [m.entity.qid for m in stream.first().response.mentions] == ["Q3551"]  # the server holds it now
        with grpc.insecure_channel(running.address) as channel:
            assert _serving(channel) == health_pb2.HealthCheckResponse.SERVING
            stub = running.stub(channel)
            for _ in range(20):
                mentions = stub.Link(pb.LinkRequest(text="زار بوريطة الرباط"), timeout=WAIT).mentions
                assert [m.entity.qid for m in mentions] == ["Q24893357", "Q3551"]
            assert stub.GetEntity(pb.GetEntityRequest(qid="Q1028"), timeout=WAIT).entity.label_en == "Morocco"
        ninth = _IdleStream(channels[8])
        with pytest.raises(grpc.RpcError) as caught:
            ninth.first()
        ninth.release.set()
        assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "--max-streams" in caught.value.details()
    finally:
        for stream in streams:
            stream.release.set()
        for channel in channels:
            channel.close()


def test_an_idle_stream_is_ended(start_server: Callable[..., RunningServer]) -> None:
    running = start_server(stream_idle_seconds=0.3)
    with grpc.insecure_channel(running.address) as channel:
        stream = _IdleStream(channel)
        assert [m.entity.qid for m in stream.first().response.mentions] == ["Q3551"]
        with pytest.raises(grpc.RpcError) as caught:
            next(stream.call)
        stream.release.set()
    assert caught.value.code() in (grpc.StatusCode.CANCELLED, grpc.StatusCode.DEADLINE_EXCEEDED)


# -- defects 9 and 10: errors stay errors ---------------------------------------------------


def test_a_huge_qid_is_still_invalid_argument(stub: object) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        stub.GetEntity(pb.GetEntityRequest(qid="Q" + "x" * 10_000))  # type: ignore[attr-defined]
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(caught.value) == "INVALID_QID"
    assert len(caught.value.details()) < 2000


def test_a_huge_unknown_qid_is_still_not_found(stub: object) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        stub.GetEntity(pb.GetEntityRequest(qid="Q1" + "0" * 11))  # type: ignore[attr-defined]
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_a_huge_document_id_is_still_invalid_argument(stub: object) -> None:
    requests = [pb.LinkStreamRequest(request=pb.LinkRequest(text=" ", document_id="d" * 10_000))]
    with pytest.raises(grpc.RpcError) as caught:
        list(stub.LinkStream(iter(requests)))  # type: ignore[attr-defined]
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(caught.value) == "EMPTY_TEXT"


@pytest.mark.parametrize("qid", ["Q1028\n", "Q1028\r\n", "\nQ1028"])
def test_a_qid_with_a_newline_is_invalid(stub: object, qid: str) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        stub.GetEntity(pb.GetEntityRequest(qid=qid))  # type: ignore[attr-defined]
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


@pytest.mark.parametrize("method", ["Link", "Resolve", "GetEntity", "LinkStream"])
def test_a_lone_surrogate_is_invalid_argument(channel: grpc.Channel, method: str) -> None:
    surrogate = b"\xed\xa0\x80"  # U+D800 as (invalid) UTF-8: what a careless encoder sends
    field_one = b"\x0a" + bytes([len(surrogate)]) + surrogate  # text / mention / qid is field 1
    if method == "LinkStream":
        call = channel.stream_stream(f"/{SERVICE_NAME}/{method}")
        with pytest.raises(grpc.RpcError) as caught:
            list(call(iter([b"\x0a" + bytes([len(field_one)]) + field_one]), timeout=WAIT))
    else:
        with pytest.raises(grpc.RpcError) as caught:
            channel.unary_unary(f"/{SERVICE_NAME}/{method}")(field_one, timeout=WAIT)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(caught.value) == "UNDECODABLE_REQUEST"


def test_internal_errors_are_logged_not_sent(
    start_server: Callable[..., RunningServer], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    running = start_server()

    def failing(_qid: str) -> None:
        raise sqlite3.OperationalError("disk I/O error at /secret/path/gazetteer.sqlite")

    gazetteer_path = running.gazetteer
    # The gazetteer, not the linker: the compiled core's classes take no new attributes.
    monkeypatch.setattr(running.holder.linker.gazetteer, "entity", failing)
    gazetteer_path.rename(gazetteer_path.with_suffix(".away"))  # the fresh load tried after the error fails too
    with grpc.insecure_channel(running.address) as channel:
        with pytest.raises(grpc.RpcError) as caught:
            running.stub(channel).GetEntity(pb.GetEntityRequest(qid="Q1028"), timeout=WAIT)
        assert caught.value.code() == grpc.StatusCode.INTERNAL
        assert "secret" not in caught.value.details() and "request id" in caught.value.details()
        assert "secret" in caplog.text
        # The served file is unreadable: health says so until a reload succeeds.
        assert _serving(channel) == health_pb2.HealthCheckResponse.NOT_SERVING
        gazetteer_path.with_suffix(".away").rename(gazetteer_path)
        assert running.holder.reload()
        assert _serving(channel) == health_pb2.HealthCheckResponse.SERVING


def test_the_shipped_client_receives_the_largest_answer_the_server_sends(
    start_server: Callable[..., RunningServer],
) -> None:
    running = start_server()
    assert MAX_RECEIVE_BYTES >= MAX_RESPONSE_BYTES
    text = "الرباط " * 16_000  # 220 KB of names: an answer over grpc's default 4 MiB
    with grpc.insecure_channel(running.address, options=CHANNEL_OPTIONS) as channel:
        response = running.stub(channel).Link(pb.LinkRequest(text=text, max_candidates=5), timeout=WAIT)
    assert response.ByteSize() > 4 * 1024 * 1024
    with running.holder.serving() as linker:
        mentions = linker.link(text, LinkOptions(max_candidates=5)).mentions
    assert convert.estimated_response_bytes(mentions) >= response.ByteSize()


def test_an_answer_over_the_limit_is_refused_clearly(running_service: EntityLinkerService) -> None:
    running_service.max_response_bytes = 10_000
    context = _Context(True, None)
    with pytest.raises(Exception) as caught:
        running_service._link(pb.LinkRequest(text="الرباط " * 1000), running_service._interrupt(context))  # type: ignore[arg-type]
    assert getattr(caught.value, "reason", "") == "RESPONSE_TOO_LARGE"


# -- defects 4, 5 and 6: the gazetteer file ----------------------------------------------------


def _answers(running: RunningServer) -> list[tuple[str, str]]:
    with grpc.insecure_channel(running.address) as channel:
        response = running.stub(channel).Link(pb.LinkRequest(text="زار بوريطة الرباط ثم فيينا"), timeout=WAIT)
    return [(m.surface, m.entity.qid) for m in response.mentions]


ANSWERS = [("بوريطة", "Q24893357"), ("الرباط", "Q3551"), ("فيينا", "Q1741")]  # what `_answers` gets from the seeds


def _overwrite_in_place(path: Path, content: bytes) -> None:
    """What `cp new served` does: same inode, truncated and rewritten."""
    with path.open("r+b") as handle:
        handle.truncate(0)
        handle.write(content)


@pytest.mark.parametrize("content", ["valid newer", "corrupt", "truncated", "empty"])
def test_an_in_place_overwrite_changes_nothing_served(
    start_server: Callable[..., RunningServer], tmp_path: Path, content: str
) -> None:
    running = start_server()
    before = _answers(running)
    assert before == ANSWERS
    original = running.gazetteer.read_bytes()
    new = {
        "valid newer": _smaller_gazetteer(tmp_path),
        "corrupt": original[:4096] + bytes(len(original) - 4096),
        "truncated": original[: len(original) // 3],
        "empty": b"",
    }[content]
    _overwrite_in_place(running.gazetteer, new)
    assert _answers(running) == before  # still the file loaded, read from the server's private copy
    reloaded = running.holder.reload()
    assert reloaded == (content == "valid newer")
    if not reloaded:
        assert _answers(running) == before
    with grpc.insecure_channel(running.address) as channel:
        assert _serving(channel) == health_pb2.HealthCheckResponse.SERVING


def _smaller_gazetteer(tmp_path: Path) -> bytes:
    from tests.conftest import build_from_seed_dir, write_seed_file

    folder = tmp_path / "small-seeds"
    write_seed_file(folder, [{"qid": "Q3551", "type": "place", "label_ar": "الرباط", "label_en": "Rabat"}])
    return build_from_seed_dir(folder, tmp_path / "small.sqlite").read_bytes()


@pytest.mark.parametrize(
    "drop",
    ["DROP TABLE names", "DROP TABLE name_candidates", "DROP TABLE name_words", "DROP INDEX name_words_skeleton"],
)
def test_a_reload_refuses_a_file_without_what_serving_reads(
    start_server: Callable[..., RunningServer], tmp_path: Path, drop: str
) -> None:
    running = start_server()
    before = _answers(running)
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(running.gazetteer.read_bytes())
    with sqlite3.connect(broken) as conn:
        conn.execute(drop)
    conn.close()
    broken.replace(running.gazetteer)  # the supported way: rename over the served file
    assert not running.holder.reload()
    assert _answers(running) == before


def _open_descriptors() -> int:
    return len(list(Path("/proc/self/fd").iterdir()))


def test_a_hundred_reloads_leak_no_descriptor(start_server: Callable[..., RunningServer]) -> None:
    running = start_server()
    assert running.holder.reload()
    before = _open_descriptors()
    for _ in range(100):
        assert running.holder.reload()
    assert _open_descriptors() <= before + 2
    assert len(list(running.copy_dir.iterdir())) == 1  # old private copies are deleted
    assert _answers(running) == ANSWERS


def test_a_call_in_flight_keeps_its_gazetteer_until_it_ends(start_server: Callable[..., RunningServer]) -> None:
    running = start_server()
    with running.holder.serving() as linker:
        assert running.holder.reload()
        assert linker.entity("Q1028") is not None  # not closed under the call
        assert running.holder.linker is not linker
    with pytest.raises(sqlite3.ProgrammingError):
        linker.gazetteer._connection.execute("SELECT 1")  # closed once the call ended


# -- defect 10: control characters are word breaks -----------------------------------------------


@pytest.mark.parametrize("separator", ["\x00", "\x01", "\x02", "\x1b", "\x7f", "\x85", "\x9f"])
def test_a_control_character_between_words_hides_no_name(stub: object, separator: str) -> None:
    text = f"زار{separator}بوريطة{separator}الرباط"
    for encoding, encode in ((pb.OFFSET_ENCODING_CODE_POINTS, str), (pb.OFFSET_ENCODING_UTF8_BYTES, str.encode)):
        response = stub.Link(pb.LinkRequest(text=text, offset_encoding=encoding))  # type: ignore[attr-defined]
        assert [m.entity.qid for m in response.mentions] == ["Q24893357", "Q3551"]
        encoded = encode(text)
        for mention in response.mentions:
            piece = encoded[mention.start : mention.end]
            assert (piece if isinstance(piece, str) else piece.decode()) == mention.surface
