"""Fixtures: real gazetteers built with the real build, and a real server on an ephemeral port."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_health.v1 import health
from grpc_status import rpc_status

from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc
from evaluation.devset import SEED_ARTICLE_ID, load_passages
from gazetteer.build import Source, build
from gazetteer.loader import Gazetteer, load_gazetteer
from gazetteer.readers.seeds import read_seeds
from server.app import Limits, create_server
from server.holder import LinkerHolder
from server.linking import Linker

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
SEED_ARTICLE = SEEDS_DIR / "000_56f59e649abf86c3.txt"


def error_reason(error: grpc.RpcError) -> str:
    """The reason of the google.rpc.ErrorInfo a refused call carries, or "" when it carries none."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    for detail in status.details if status is not None else ():
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info.reason
    return ""


def seed_article_gold() -> list[tuple[int, int, str, str]]:
    """(start, end, surface, QID) of the seed article's gold mentions in the development set."""
    [passage] = [p for p in load_passages() if p.id == SEED_ARTICLE_ID]
    assert passage.text == SEED_ARTICLE.read_text(encoding="utf-8")
    return [(g.start, g.end, g.surface, g.qid) for g in passage.gold]


def build_from_seed_dir(seeds_dir: Path, out: Path) -> Path:
    """Build a gazetteer from a folder of seed files with the real build."""
    build(out, [], Source("seeds", read_seeds(seeds_dir)))
    return out


def write_seed_file(folder: Path, entities: list[dict[str, object]]) -> Path:
    """Write seed objects as a JSON-lines file in `folder` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "entities.jsonl"
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities), encoding="utf-8")
    return path


def seed_entities() -> list[dict[str, object]]:
    """Every entity of seeds/*.jsonl as its JSON object, file by file."""
    return [
        json.loads(line)
        for path in sorted(SEEDS_DIR.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


# Classes that make a synthetic seed object a person, a village or a company.
_CLASS_OF_KIND = {"person": "Q5", "place": "Q532", "organization": "Q4830453"}


def synthetic_entity(
    number: int, kind: str, label: str, sitelinks: int, *, country: str = "", description: str = ""
) -> dict[str, object]:
    """A seed object for the synthetic entity Q(9,000,000,000 + `number`), in the range the synthetic
    dumps use: it claims nothing real. A person, a village or a company, named by its Arabic label."""
    entity: dict[str, object] = {
        "qid": f"Q{9_000_000_000 + number}",
        "type": kind,
        "label_ar": label,
        "label_en": "",
        "sitelinks": sitelinks,
        "instance_of": [_CLASS_OF_KIND[kind]],
    }
    if country:
        entity["country"] = country
    if description:
        entity["description_ar"] = description
    return entity


def without_aliases(entity: dict[str, object]) -> dict[str, object]:
    """The seed object with no alias, as a thin Wikidata item has it: only its labels name it."""
    return {**entity, "aliases_ar": [], "aliases_en": []}


def build_gazetteer(folder: Path, entities: list[dict[str, object]]) -> Path:
    """A gazetteer built with the real build from these seed objects, written as a seed file in `folder`."""
    write_seed_file(folder / "seeds", entities)
    return build_from_seed_dir(folder / "seeds", folder / "gazetteer.sqlite")


def arabic_names(entities: list[dict[str, object]]) -> list[str]:
    """Every Arabic label and alias of these seed objects."""
    return [str(n) for e in entities for n in (e["label_ar"], *e.get("aliases_ar", []))]  # type: ignore[misc]


def links(linker: Linker, text: str, field: str = "qid") -> list[tuple[str, str]]:
    """(surface, entity `field`) of every mention, checking that each span slices the text to its surface."""
    found = []
    for mention in linker.link(text).mentions:
        assert text[mention.start : mention.end] == mention.surface
        found.append((mention.surface, getattr(mention.entity, field)))
    return found


def spans(linker: Linker, text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, surface, QID) of every mention."""
    return [(m.start, m.end, m.surface, m.entity.qid) for m in linker.link(text).mentions]


def expected_spans(text: str, expected: list[tuple[str, str]]) -> list[tuple[int, int, str, str]]:
    """(start, end, surface, QID) of each (surface, QID), found left to right in `text`."""
    found, at = [], 0
    for surface, qid in expected:
        start = text.index(surface, at)
        at = start + len(surface)
        found.append((start, at, surface, qid))
    return found


@contextmanager
def serving(gazetteer: Path, host: str = "localhost") -> Iterator[str]:
    """A real server over `gazetteer` on an ephemeral port: its address, stopped on exit."""
    holder = LinkerHolder.open(gazetteer)
    server, port, _health = create_server(holder, f"{host}:0", max_text_bytes=1024 * 1024)
    try:
        yield f"{host}:{port}"
    finally:
        server.stop(None).wait()
        holder.close()


@pytest.fixture(scope="session")
def seed_gazetteer_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_from_seed_dir(SEEDS_DIR, tmp_path_factory.mktemp("gazetteer") / "seeds.sqlite")


@pytest.fixture(scope="session")
def seed_gazetteer(seed_gazetteer_path: Path) -> Gazetteer:
    return load_gazetteer(seed_gazetteer_path)


@pytest.fixture(scope="session")
def linker(seed_gazetteer: Gazetteer) -> Linker:
    return Linker(seed_gazetteer)


@pytest.fixture(scope="session")
def server_address(seed_gazetteer_path: Path) -> Iterator[str]:
    with serving(seed_gazetteer_path) as address:
        yield address


@pytest.fixture(scope="session")
def channel(server_address: str) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(server_address) as channel:
        yield channel


@pytest.fixture(scope="session")
def stub(channel: grpc.Channel) -> pb_grpc.EntityLinkerServiceStub:
    return pb_grpc.EntityLinkerServiceStub(channel)


@dataclass
class RunningServer:
    """A server of its own for one test, over a private copy of `gazetteer` (the operator's file)."""

    address: str
    holder: LinkerHolder
    server: grpc.Server
    health: health.HealthServicer
    gazetteer: Path
    copy_dir: Path

    def stub(self, channel: grpc.Channel) -> pb_grpc.EntityLinkerServiceStub:
        return pb_grpc.EntityLinkerServiceStub(channel)


@pytest.fixture
def start_server(seed_gazetteer_path: Path, tmp_path: Path) -> Iterator[Callable[..., RunningServer]]:
    """Start servers with the given `Limits` fields on 127.0.0.1, each stopped at the end of the test."""
    started: list[RunningServer] = []

    def start(**limits: object) -> RunningServer:
        folder = tmp_path / f"server-{len(started)}"
        copy_dir = folder / "run"
        copy_dir.mkdir(parents=True)
        path = folder / "gazetteer.sqlite"
        shutil.copy(seed_gazetteer_path, path)
        holder = LinkerHolder.open(path, copy_dir)
        server, port, health_servicer = create_server(holder, "127.0.0.1:0", limits=Limits(**limits))  # type: ignore[arg-type]
        running = RunningServer(f"127.0.0.1:{port}", holder, server, health_servicer, path, copy_dir)
        started.append(running)
        return running

    yield start
    for running in started:
        running.server.stop(None).wait()
        running.holder.close()


@pytest.fixture
def gazetteer_copy(seed_gazetteer_path: Path, tmp_path: Path) -> Path:
    """A copy of the seed gazetteer that a test may replace, overwrite or break."""
    path = tmp_path / "gazetteer.sqlite"
    shutil.copy(seed_gazetteer_path, path)
    return path


@pytest.fixture(scope="session")
def http_url(seed_gazetteer_path: Path) -> Iterator[str]:
    """The HTTP/JSON gateway and web page on an ephemeral port, over the seed gazetteer."""
    from server.gateway import HttpServer, create_app
    from server.service import EntityLinkerService

    holder = LinkerHolder.open(seed_gazetteer_path)
    app = create_app(EntityLinkerService(holder, 1024 * 1024), max_body_bytes=4 * 1024 * 1024)
    http = HttpServer(app, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{http.port}"
    http.stop()
    holder.close()
