"""Spelling variants reach their entity through the matcher, not through an alias.

The gazetteer is built at test time from every seed entity, the crowd a real
gazetteer brings, but the entities named below keep their labels only: their
aliases are removed, so no spelling tested here is written anywhere in the
gazetteer (`test_no_tested_spelling_is_a_name_in_the_gazetteer` checks it).
Hamza forms, ه/ة and ي/ى are folded by the normaliser; ز/تس, ق/ج/غ/گ, dropped
and doubled letters and joined or split compounds by the index's phonetic and
one-letter keys; proclitics by the spotter.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest

from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc
from gazetteer.loader import load_gazetteer
from server.linking import Linker
from tests.conftest import (
    arabic_names,
    build_gazetteer,
    expected_spans,
    links,
    seed_entities,
    serving,
    spans,
    without_aliases,
)

GANTZ, NETANYAHU, MACRON, ERDOGAN, LOUDIYI = "Q1426396", "Q43723", "Q3052772", "Q39259", "Q2823172"


# Variants the matcher does not find yet without an alias.
BENNY_GAP = "without the alias بيني غانتس, بيني is not read as the label's بني: Link spans غانتس, Resolve finds nothing"


@dataclass(frozen=True)
class Variant:
    """`text` links exactly `expected` (surface, QID) in order; `spelling` is the variant as written there."""

    kind: str
    text: str
    expected: tuple[tuple[str, str], ...]
    spelling: str
    qid: str
    link_gap: str  # why Link misses it today (strict xfail), or ""
    resolve_gap: str  # why Resolve misses it today, or ""


def _variant(
    kind: str,
    text: str,
    spelling: str,
    qid: str,
    *others: tuple[str, str],
    surface: str = "",
    link_gap: str = "",
    resolve_gap: str = "",
) -> Variant:
    """One variant linked as `surface` (the spelling itself by default), before or among `others`."""
    mention = (surface or spelling, qid)
    expected = sorted((mention, *others), key=lambda pair: text.index(pair[0]))
    return Variant(kind, text, tuple(expected), spelling, qid, link_gap, resolve_gap)


VARIANTS = [
    # Hamza forms: a bare alef or ya where the label has أ إ ئ.
    _variant("hamza", "وصل الوفد إلى اسرائيل أمس", "اسرائيل", "Q801"),
    _variant("hamza", "قال الرئيس التركي رجب طيب اردوغان إن الاتفاق قريب", "رجب طيب اردوغان", ERDOGAN),
    _variant("hamza", "التقت انجيلا ميركل رئيس الوزراء", "انجيلا ميركل", "Q567"),
    _variant("hamza", "قال يايير لابيد إن الائتلاف سينهار", "يايير لابيد", "Q1396120"),
    # ه for ة and ة for ه.
    _variant("teh-marbuta", "قال وزير الخارجية ناصر بوريطه إن المحادثات مثمرة", "ناصر بوريطه", "Q24893357"),
    _variant("teh-marbuta", "قال حزب اللة في بيان", "حزب اللة", "Q41053"),
    _variant("teh-marbuta", "عقد الاجتماع في الدوحه أمس", "الدوحه", "Q3861"),
    # ى for ي.
    _variant("alef-maksura", "التقى عبد اللطيف لوديى الوفد", "عبد اللطيف لوديى", LOUDIYI),
    _variant("alef-maksura", "قال الرئيس الأوكراني فولوديمير زيلينسكى إن", "فولوديمير زيلينسكى", "Q3874799"),
    _variant("alef-maksura", "قال نفتالى بينيت إن الحكومة باقية", "نفتالى بينيت", "Q39318"),
    # ز for تس, and the other consonants transliterations swap (ق ج غ گ).
    _variant(
        "z-ts", "قال وزير الدفاع بني غانتس أمس. وأضاف غانتز أن الزيارة مهمة", "غانتز", GANTZ, ("بني غانتس", GANTZ)
    ),
    _variant("z-ts", "قال المستشار الألماني أولاف شولتز إن الحكومة ستواصل الدعم", "أولاف شولتز", "Q61053"),
    _variant("z-ts", "استقبل الرئيس الإسرائيلي يتسحاق هرتزوغ الوفد", "يتسحاق هرتزوغ", "Q983258"),
    *(
        _variant(
            "g-j-q",
            f"قال وزير الدفاع بني غانتس أمس. وأضاف {spelling} أن الزيارة مهمة",
            spelling,
            GANTZ,
            ("بني غانتس", GANTZ),
        )
        for spelling in ("جانتس", "قانتس", "گانتس")
    ),
    # A dropped letter.
    _variant("dropped-letter", "قال رئيس الوزراء الإسرائيلي نتياهو إن الحرب ستستمر", "نتياهو", NETANYAHU),
    _variant("dropped-letter", "وقال الرئيس الفرنسي ماكرن إن فرنسا مستعدة", "ماكرن", MACRON, ("فرنسا", "Q142")),
    _variant("dropped-letter", "قال الرئيس الروسي فلادمير بوتين إن", "فلادمير بوتين", "Q7747"),
    # An added or doubled letter.
    _variant("added-letter", "قال رئيس الوزراء بنيامين نتانياهو اليوم", "بنيامين نتانياهو", NETANYAHU),
    _variant("added-letter", "قال رئيس الوزراء نتانياهو اليوم", "نتانياهو", NETANYAHU),
    _variant("added-letter", "قال الرئيس الأمريكي جو بايدين إن", "جو بايدين", "Q6279"),
    _variant(
        "added-letter", "قال وزير الدفاع بيني غانتس أمس", "بيني غانتس", GANTZ, link_gap=BENNY_GAP, resolve_gap=BENNY_GAP
    ),
    _variant("doubled-letter", "قال الرئيس الفرنسي إيمانويل ماكررون إن", "إيمانويل ماكررون", MACRON),
    # Compounds joined where the label writes them apart, and apart where it joins them.
    _variant("joined", "استقبل عبدالفتاح السيسي الوفد", "عبدالفتاح السيسي", "Q307871"),
    _variant("joined", "التقى عبداللطيف لوديي الوفد", "عبداللطيف لوديي", LOUDIYI),
    _variant("joined", "استقبل العاهل الأردني عبدالله الثاني الوفد", "عبدالله الثاني", "Q57464"),
    _variant(
        "joined",
        "التقى الوزير محمد بن عبدالرحمن آل ثاني في الدوحة",
        "محمد بن عبدالرحمن آل ثاني",
        "Q23020336",
        ("الدوحة", "Q3861"),
    ),
    _variant("joined", "وصل الوفد إلى بيونغيانغ أمس", "بيونغيانغ", "Q18808"),
    _variant("split", "وصل الوفد إلى أبو ظبي أمس", "أبو ظبي", "Q1519"),
    # Proclitics glued to the name stay outside the span; لل before the article keeps its second ل.
    _variant("clitic", "التقى الوزير بماكرون في باريس", "بماكرون", MACRON, ("باريس", "Q90"), surface="ماكرون"),
    _variant("clitic", "وصل الوفد الإسرائيلي للرباط مساء الأحد", "للرباط", "Q3551", surface="لرباط"),
    _variant("clitic", "وجه الوزير انتقادات لأردوغان", "لأردوغان", ERDOGAN, surface="أردوغان"),
    _variant("clitic", "عقد الاجتماع بالقاهرة أمس", "بالقاهرة", "Q85", surface="القاهرة"),
    _variant("clitic", "اجتمع الوزير بنظيره الإيراني بطهران", "بطهران", "Q3616", surface="طهران"),
    _variant(
        "clitic hamza", "العلاقات بين المغرب واسرائيل", "واسرائيل", "Q801", ("المغرب", "Q1028"), surface="اسرائيل"
    ),
    _variant(
        "clitic added-letter",
        "والتقى بنتانياهو في القدس",
        "بنتانياهو",
        NETANYAHU,
        ("القدس", "Q1218"),
        surface="نتانياهو",
    ),
]


def _cases(gap: str) -> list[object]:
    """The variants as test parameters, those with a `gap` ("link_gap" or "resolve_gap") strictly expected to fail."""
    return [
        pytest.param(
            variant,
            id=f"{n:02}-{variant.kind.replace(' ', '-')}-{variant.qid}",
            marks=[pytest.mark.xfail(strict=True, reason=reason)] if (reason := getattr(variant, gap)) else [],
        )
        for n, variant in enumerate(VARIANTS)
    ]


# Every entity a text above names keeps its labels only.
STRIPPED = {qid for v in VARIANTS for _, qid in v.expected}


def _fixture_entities() -> list[dict[str, object]]:
    """Every seed entity; those the texts above name without their aliases."""
    return [without_aliases(e) if e["qid"] in STRIPPED else e for e in seed_entities()]


@pytest.fixture(scope="module")
def variant_gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_gazetteer(tmp_path_factory.mktemp("no-variant-aliases"), _fixture_entities())


@pytest.fixture(scope="module")
def variant_linker(variant_gazetteer: Path) -> Linker:
    return Linker(load_gazetteer(variant_gazetteer))


@pytest.fixture(scope="module")
def variant_stub(variant_gazetteer: Path) -> Iterator[pb_grpc.EntityLinkerServiceStub]:
    with serving(variant_gazetteer) as address, grpc.insecure_channel(address) as channel:
        yield pb_grpc.EntityLinkerServiceStub(channel)


def test_no_tested_spelling_is_a_name_in_the_gazetteer() -> None:
    """The entities named keep their labels only, and no name of any entity contains a tested spelling."""
    entities = _fixture_entities()
    by_qid = {entity["qid"]: entity for entity in entities}
    names = [f" {name} " for name in arabic_names(entities)]
    for variant in VARIANTS:
        entity = by_qid[variant.qid]
        assert (entity["aliases_ar"], entity["aliases_en"]) == ([], []), variant.qid
        assert variant.spelling not in str(entity["label_ar"]), variant.spelling
        assert [name for name in names if f" {variant.spelling} " in name] == [], variant.spelling


@pytest.mark.parametrize("variant", _cases("link_gap"))
def test_the_variant_links_to_its_entity(variant_linker: Linker, variant: Variant) -> None:
    assert spans(variant_linker, variant.text) == expected_spans(variant.text, list(variant.expected))


@pytest.mark.parametrize("variant", _cases("resolve_gap"))
def test_resolve_over_grpc_ranks_the_entity_first(
    variant_stub: pb_grpc.EntityLinkerServiceStub, variant: Variant
) -> None:
    response = variant_stub.Resolve(pb.ResolveRequest(mention=variant.spelling, context=variant.text))
    assert [c.entity.qid for c in response.candidates][:1] == [variant.qid]
    scores = [c.score for c in response.candidates]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وقال إن جده كان فلاحا في القرية", []),  # جده "his grandfather", not Jeddah (جدة)
        ("تذكر الطفل جده الراحل", []),
        ("وصل الوزير إلى مدينة جده صباحا", [("جده", "Q374365")]),  # a city cue: Jeddah spelled with ه
    ],
)
def test_heh_for_teh_marbuta_on_an_ordinary_word_needs_a_cue(linker: Linker, text: str, expected: list[object]) -> None:
    assert links(linker, text) == expected
