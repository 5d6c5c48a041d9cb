"""The fast paths give byte-identical output to the plain ones.

One side links as the service does: every shortcut on (`server.linking.Shortcuts`), and the
compiled core when `make native` built it (`make test` does, and says so through
ENTITYLINKER_EXPECT_COMPILED). The other runs in a subprocess with the plain Python core
(ENTITYLINKER_PLAIN_CORE=1) and `NO_SHORTCUTS`: no skipped spans, no reused first pass, no memos.
Both serialise the same calls to JSON, floats at full precision, and the two strings must match.

The gazetteer is the seeds inside 20,000 synthetic entities of the benchmark's generator
(namesakes, nisba surnames, villages named with ordinary words), so that the shortcuts have
spans to skip; the texts are every development and held-out passage and a slice of the
benchmark's long text; the queries are every development Resolve query with its context.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.datasets import long_text
from bench.make_dump import write_dump
from evaluation.devset import HELDOUT_PASSAGES_PATH, PASSAGES_PATH, load_passages, load_queries
from gazetteer.loader import load_gazetteer
from gazetteer.records import EntityKind
from server.linking import NO_SHORTCUTS, Linker, LinkOptions, Shortcuts

ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC_ENTITIES = 20_000
LONG_TEXT_SLICE_BYTES = 60_000


@pytest.fixture(scope="module")
def crowded_gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds inside 20,000 synthetic entities, all in scope, built by the real build command."""
    folder = tmp_path_factory.mktemp("equivalence")
    dump = folder / "synthetic.json"
    write_dump(dump, SYNTHETIC_ENTITIES, seed=7, in_scope=1.0)
    out = folder / "gazetteer.sqlite"
    command = [sys.executable, "-m", "gazetteer", "build", "--dump", str(dump), "--out", str(out), "--no-progress"]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=300)
    return out


def outputs(gazetteer: Path, shortcuts: Shortcuts) -> str:
    """Link and Resolve output on the whole comparison set, as one JSON string."""
    linker = Linker(load_gazetteer(gazetteer), shortcuts=shortcuts)
    texts = [p.text for p in load_passages(PASSAGES_PATH) + load_passages(HELDOUT_PASSAGES_PATH)]
    texts.append(long_text(LONG_TEXT_SLICE_BYTES))
    linked = [
        [
            [m.start, m.end, m.entity.qid, m.score, [[c.entity.qid, c.score] for c in m.alternatives]]
            for m in linker.link(text, LinkOptions(max_candidates=5)).mentions
        ]
        for text in texts
    ]
    resolved = [
        [
            [c.entity.qid, c.score]
            for c in linker.resolve(q.query, q.context, frozenset(EntityKind(t) for t in q.types), 5)
        ]
        for q in load_queries()
    ]
    return json.dumps({"link": linked, "resolve": resolved}, ensure_ascii=False)


def _plain_outputs(gazetteer: Path) -> str:
    """`outputs` with no shortcut, in a process that loads the plain Python core."""
    code = (
        "import sys; from pathlib import Path; from tests.test_equivalence import outputs; "
        "from server.linking import COMPILED, NO_SHORTCUTS; assert not COMPILED; "
        "sys.stdout.write(outputs(Path(sys.argv[1]), NO_SHORTCUTS))"
    )
    env = {**os.environ, "ENTITYLINKER_PLAIN_CORE": "1"}
    env.pop("ENTITYLINKER_EXPECT_COMPILED", None)
    done = subprocess.run(
        [sys.executable, "-c", code, str(gazetteer)], cwd=ROOT, env=env, capture_output=True, timeout=600, check=True
    )
    return done.stdout.decode("utf-8")


def test_fast_paths_give_byte_identical_link_and_resolve_output(crowded_gazetteer: Path) -> None:
    fast = outputs(crowded_gazetteer, Shortcuts())
    plain = _plain_outputs(crowded_gazetteer)
    found = json.loads(fast)
    # The comparison covers real work: mentions in nearly every text, answers to most queries.
    assert sum(1 for mentions in found["link"] if mentions) >= 0.9 * len(found["link"])
    assert sum(1 for answers in found["resolve"] if answers) >= 0.8 * len(found["resolve"])
    if fast != plain:
        fast_items, plain_items = json.loads(fast), json.loads(plain)
        for part in ("link", "resolve"):
            for i, (a, b) in enumerate(zip(fast_items[part], plain_items[part], strict=True)):
                assert a == b, f"{part} #{i} differs"
    assert fast == plain


def test_alternatives_asked_for_change_no_mention(crowded_gazetteer: Path) -> None:
    """`_rank` builds only the rivals the caller shows; the score still counts every rival."""
    linker = Linker(load_gazetteer(crowded_gazetteer))
    for passage in load_passages(PASSAGES_PATH):
        bare = linker.link(passage.text).mentions
        full = linker.link(passage.text, LinkOptions(max_candidates=5)).mentions
        assert [(m.start, m.end, m.entity.qid, m.score) for m in bare] == [
            (m.start, m.end, m.entity.qid, m.score) for m in full
        ]
        assert all(not m.alternatives for m in bare)


def test_no_shortcuts_really_switches_them_off(crowded_gazetteer: Path) -> None:
    linker = Linker(load_gazetteer(crowded_gazetteer), shortcuts=NO_SHORTCUTS)
    assert not (
        linker.skip_closed_spans
        or linker.skip_obscure_ordinary
        or linker.skip_obscure_surnames
        or linker.reuse_first_pass
    )
    assert linker.link("زار الوفد الرئيس في المدينة القديمة ثم عاد إلى الرباط").mentions
    assert len(linker._given_names) == 0
    assert len(linker.reader.cue_of) == 0
    assert len(linker.index.key_entries) == 0
