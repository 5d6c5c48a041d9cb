"""The text budget: how much text one process links at once, over the real server."""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest

from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc
from server.admission import TextBudget
from server.app import Limits, create_server
from server.holder import LinkerHolder
from tests.conftest import error_reason

LIMIT = 64 * 1024


def _never() -> None:
    return None


class _Watched(TextBudget):
    """A budget that remembers the most texts it ever let in at once."""

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(limit_bytes)
        self.inside = 0
        self.most_inside = 0
        self._count = threading.Lock()

    @contextlib.contextmanager
    def admit(self, size: int, interrupt: Callable[[], None]) -> Iterator[None]:
        with super().admit(size, interrupt):
            with self._count:
                self.inside += 1
                self.most_inside = max(self.most_inside, self.inside)
            try:
                time.sleep(0.05)  # long enough for the other callers to arrive while this one is inside
                yield
            finally:
                with self._count:
                    self.inside -= 1


@pytest.fixture
def serve_with(seed_gazetteer_path: Path, tmp_path: Path) -> Iterator[Callable[[TextBudget], grpc.Channel]]:
    """A real server on 127.0.0.1 whose servicer uses the given budget; yields a channel to it."""
    stack = contextlib.ExitStack()

    def serve(budget: TextBudget) -> grpc.Channel:
        folder = tmp_path / "run"
        folder.mkdir()
        path = tmp_path / "gazetteer.sqlite"
        shutil.copy(seed_gazetteer_path, path)
        holder = LinkerHolder.open(path, folder)
        stack.callback(holder.close)
        limits = Limits(max_text_bytes=LIMIT, max_text_in_flight_bytes=LIMIT)
        server, port, _ = create_server(holder, "127.0.0.1:0", limits=limits, text_budget=budget)
        stack.callback(lambda: server.stop(None).wait())
        return stack.enter_context(grpc.insecure_channel(f"127.0.0.1:{port}"))

    with stack:
        yield serve


def _text_of_names(size: int) -> str:
    sentence = "استقبل ناصر بوريطة في الرباط وزير الخارجية الأمريكي. "
    return sentence * (size // len(sentence.encode("utf-8")))


def test_texts_wait_their_turn_and_all_are_answered(serve_with: Callable[[TextBudget], grpc.Channel]) -> None:
    budget = _Watched(LIMIT)
    stub = pb_grpc.EntityLinkerServiceStub(serve_with(budget))
    text = _text_of_names(40_000)  # two of them do not fit in the budget together
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: stub.Link(pb.LinkRequest(text=text), timeout=60), range(6)))
    assert all(len(a.mentions) == len(answers[0].mentions) > 100 for a in answers)
    assert {m.entity.qid for m in answers[0].mentions} >= {"Q3551"}  # الرباط
    assert budget.most_inside == 1
    assert budget.in_flight == 0


def test_small_texts_share_the_budget(serve_with: Callable[[TextBudget], grpc.Channel]) -> None:
    budget = _Watched(LIMIT)
    stub = pb_grpc.EntityLinkerServiceStub(serve_with(budget))
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: stub.Link(pb.LinkRequest(text="زار بوريطة الرباط"), timeout=60), range(6)))
    assert all(len(a.mentions) == 2 for a in answers)
    assert budget.most_inside > 1


def test_a_call_waiting_past_its_deadline_ends_deadline_exceeded(
    serve_with: Callable[[TextBudget], grpc.Channel],
) -> None:
    budget = TextBudget(LIMIT)
    stub = pb_grpc.EntityLinkerServiceStub(serve_with(budget))
    with budget.admit(LIMIT, _never):  # the core is full
        with pytest.raises(grpc.RpcError) as stopped:
            stub.Link(pb.LinkRequest(text="زار بوريطة الرباط"), timeout=0.5)
        assert stopped.value.code() is grpc.StatusCode.DEADLINE_EXCEEDED
        with pytest.raises(grpc.RpcError) as resolving:
            stub.Resolve(pb.ResolveRequest(mention="بوريطة", context="وزير الخارجية المغربي"), timeout=0.5)
        assert resolving.value.code() is grpc.StatusCode.DEADLINE_EXCEEDED
        assert budget.in_flight == LIMIT  # the waiting calls took nothing
    answer = stub.Link(pb.LinkRequest(text="زار بوريطة الرباط"), timeout=30)
    assert len(answer.mentions) == 2
    assert budget.in_flight == 0


def test_a_waiting_call_stops_at_the_server_cap(seed_gazetteer_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "gazetteer.sqlite"
    shutil.copy(seed_gazetteer_path, path)
    (tmp_path / "run").mkdir()
    holder = LinkerHolder.open(path, tmp_path / "run")
    budget = TextBudget(LIMIT)
    limits = Limits(max_text_bytes=LIMIT, max_text_in_flight_bytes=LIMIT, max_call_seconds=0.3)
    server, port, _ = create_server(holder, "127.0.0.1:0", limits=limits, text_budget=budget)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel, budget.admit(LIMIT, _never):
            stub = pb_grpc.EntityLinkerServiceStub(channel)
            with pytest.raises(grpc.RpcError) as stopped:
                stub.Link(pb.LinkRequest(text="زار بوريطة الرباط"), timeout=30)
            assert stopped.value.code() is grpc.StatusCode.DEADLINE_EXCEEDED
            assert error_reason(stopped.value) == "CALL_TIME_LIMIT"
    finally:
        server.stop(None).wait()
        holder.close()


def test_a_text_larger_than_the_budget_runs_alone() -> None:
    budget = TextBudget(100)
    with budget.admit(1_000, _never):
        assert budget.in_flight == 100
    assert budget.in_flight == 0
    with pytest.raises(ValueError, match="positive"):
        TextBudget(0)
