"""Every RPC over real gRPC against the seed gazetteer: answers, spans, statuses."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc
from evaluation.devset import seed_kinds
from gazetteer.normalize import NORMALIZER_VERSION
from gazetteer.schema import SCHEMA_VERSION
from tests.conftest import SEED_ARTICLE, error_reason, seed_article_gold

ARTICLE = SEED_ARTICLE.read_text(encoding="utf-8")


def test_health_is_serving(channel: grpc.Channel) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", "entitylinker.v1.EntityLinkerService"):
        reply = health.Check(health_pb2.HealthCheckRequest(service=service))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_lists_the_service(channel: grpc.Channel) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    replies = list(stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")])))
    names = {s.name for s in replies[0].list_services_response.service}
    assert "entitylinker.v1.EntityLinkerService" in names
    assert "grpc.health.v1.Health" in names


def test_seed_article_links_exactly_its_gold_annotation(stub: pb_grpc.EntityLinkerServiceStub) -> None:
    """The user's article against its gold mentions in the development set: the same spans with the same QIDs."""
    gold = seed_article_gold()
    response = stub.Link(pb.LinkRequest(text=ARTICLE, document_id="seed"))
    found = [(m.start, m.end, m.surface, m.entity.qid) for m in response.mentions]
    missed, spurious = sorted(set(gold) - set(found)), sorted(set(found) - set(gold))
    assert (missed, spurious) == ([], []), f"missed {missed}, spurious {spurious}"
    assert found == gold
    assert response.document_id == "seed"
    assert all(0.0 < m.score <= 1.0 for m in response.mentions)
    # Distinct entities, each once, with their mention counts.
    assert {e.entity.qid: e.mention_count for e in response.entities} == Counter(qid for *_, qid in gold)
    assert response.gazetteer_version == stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest()).version


PREFIX = "🇲🇦 👍🏽 e\u0301\u0301 a\u0308 — 𝒜 "
TEXT_WITH_ASTRAL = PREFIX + "زار بوريطة الرباط 🙂 ثم فيينا."


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        (pb.OFFSET_ENCODING_UNSPECIFIED, lambda s: s),
        (pb.OFFSET_ENCODING_CODE_POINTS, lambda s: s),
        (pb.OFFSET_ENCODING_UTF8_BYTES, lambda s: s.encode("utf-8")),
        (pb.OFFSET_ENCODING_UTF16_CODE_UNITS, lambda s: s.encode("utf-16-le")),
    ],
)
def test_offsets_in_each_encoding_slice_the_callers_string(
    stub: pb_grpc.EntityLinkerServiceStub, encoding: int, encode: object
) -> None:
    response = stub.Link(pb.LinkRequest(text=TEXT_WITH_ASTRAL, offset_encoding=encoding))
    assert [m.surface for m in response.mentions] == ["بوريطة", "الرباط", "فيينا"]
    encoded = encode(TEXT_WITH_ASTRAL)  # type: ignore[operator]
    width = 2 if encoding == pb.OFFSET_ENCODING_UTF16_CODE_UNITS else 1
    for mention in response.mentions:
        piece = encoded[mention.start * width : mention.end * width]
        decoded = piece if isinstance(piece, str) else piece.decode("utf-16-le" if width == 2 else "utf-8")
        assert decoded == mention.surface


@pytest.mark.parametrize("text", ["", "   \n\t ", "\u3000"])
def test_empty_text_is_invalid_argument(stub: pb_grpc.EntityLinkerServiceStub, text: str) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        stub.Link(pb.LinkRequest(text=text))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "empty" in caught.value.details()
    assert error_reason(caught.value) == "EMPTY_TEXT"


def test_text_over_the_limit_is_invalid_argument_naming_the_limit(stub: pb_grpc.EntityLinkerServiceStub) -> None:
    text = "ب" * (512 * 1024 + 1)  # 2 bytes each in UTF-8: one byte over 1 MiB
    with pytest.raises(grpc.RpcError) as caught:
        stub.Link(pb.LinkRequest(text=text))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "1048576" in caught.value.details()
    assert error_reason(caught.value) == "TEXT_TOO_LARGE"
    # The server keeps serving.
    assert [m.entity.qid for m in stub.Link(pb.LinkRequest(text="زار بوريطة الرباط")).mentions] == [
        "Q24893357",
        "Q3551",
    ]


@pytest.mark.parametrize(
    ("request_fields", "needle"),
    [
        ({"min_score": 1.5}, "min_score"),
        ({"max_candidates": 51}, "max_candidates"),
        ({"types": [pb.ENTITY_TYPE_UNSPECIFIED]}, "types"),
        ({"types": [42]}, "types"),
        ({"offset_encoding": 9}, "offset_encoding"),
    ],
)
def test_bad_options_are_invalid_argument(
    stub: pb_grpc.EntityLinkerServiceStub, request_fields: dict[str, object], needle: str
) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        stub.Link(pb.LinkRequest(text="الرباط", **request_fields))  # type: ignore[arg-type]
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert needle in caught.value.details()


def test_types_filter_keeps_only_those_types(stub: pb_grpc.EntityLinkerServiceStub) -> None:
    response = stub.Link(pb.LinkRequest(text=ARTICLE, types=[pb.ENTITY_TYPE_PERSON]))
    kinds = seed_kinds()
    people = [(start, end, qid) for start, end, _, qid in seed_article_gold() if kinds[qid] == "person"]
    assert [(m.start, m.end, m.entity.qid) for m in response.mentions] == people
    assert {m.entity.type for m in response.mentions} == {pb.ENTITY_TYPE_PERSON}


def test_min_score_drops_weaker_mentions(stub: pb_grpc.EntityLinkerServiceStub) -> None:
    everything = stub.Link(pb.LinkRequest(text=ARTICLE, min_score=0.01)).mentions
    strict = stub.Link(pb.LinkRequest(text=ARTICLE, min_score=0.99)).mentions
    assert all(m.score >= 0.99 for m in strict)
    assert len(strict) < len(everything)


def test_candidates_are_ranked_alternatives(stub: pb_grpc.EntityLinkerServiceStub) -> None:
    text = "وصل الوزير إلى الرباط عاصمة المغرب."
    plain = stub.Link(pb.LinkRequest(text=text)).mentions
    assert all(not m.candidates for m in plain)
    mentions = stub.Link(pb.LinkRequest(text=text, max_candidates=5)).mentions
    rabat = next(m for m in mentions if m.surface == "الرباط")
    assert rabat.entity.qid == "Q3551"
    [runner_up] = rabat.candidates
    assert runner_up.entity.qid == "Q44381"  # Rabat in Malta
    assert runner_up.score < rabat.score


def test_link_stream_answers_each_document_in_order(stub: pb_grpc.EntityLinkerServiceStub) -> None:
    texts = ["زار بوريطة الرباط", ARTICLE, "لا شيء هنا", "وصل غانتس إلى المغرب"]
    requests = [pb.LinkStreamRequest(request=pb.LinkRequest(text=t, document_id=str(i))) for i, t in enumerate(texts)]
    responses = list(stub.LinkStream(iter(requests)))
    assert [r.response.document_id for r in responses] == ["0", "1", "2", "3"]
    for text, streamed in zip(texts, responses, strict=True):
        single = stub.Link(pb.LinkRequest(text=text))
        assert list(streamed.response.mentions) == list(single.mentions)


def test_link_stream_stops_at_a_bad_document_after_answering_the_good_ones(
    stub: pb_grpc.EntityLinkerServiceStub,
) -> None:
    requests = [
        pb.LinkStreamRequest(request=pb.LinkRequest(text="الرباط", document_id="good")),
        pb.LinkStreamRequest(request=pb.LinkRequest(text=" ", document_id="bad")),
    ]
    call = stub.LinkStream(iter(requests))
    first = next(call)
    assert first.response.document_id == "good"
    with pytest.raises(grpc.RpcError) as caught:
        next(call)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "bad" in caught.value.details()


@pytest.mark.parametrize(
    ("query", "qid"),
    [("ماكرون", "Q3052772"), ("والمغرب", "Q1028"), ("Rabat", "Q3551")],
    ids=["surname", "clitic", "english-label"],
)
def test_resolve_ranks_a_surname_a_clitic_form_and_an_english_label(
    stub: pb_grpc.EntityLinkerServiceStub, query: str, qid: str
) -> None:
    """Spelling variants are resolved in test_spelling_variants.py, on a gazetteer without their aliases."""
    response = stub.Resolve(pb.ResolveRequest(mention=query))
    assert [c.entity.qid for c in response.candidates][:1] == [qid]
    scores = [c.score for c in response.candidates]
    assert scores == sorted(scores, reverse=True)


def test_resolve_uses_context_for_ambiguous_names(stub: pb_grpc.EntityLinkerServiceStub) -> None:
    libya = stub.Resolve(
        pb.ResolveRequest(mention="طرابلس", context="اشتباكات في العاصمة الليبية طرابلس وبنغازي في ليبيا")
    )
    lebanon = stub.Resolve(pb.ResolveRequest(mention="طرابلس", context="مدينة طرابلس في شمال لبنان قرب بيروت"))
    assert libya.candidates[0].entity.country_qid == "Q1016"
    assert lebanon.candidates[0].entity.country_qid == "Q822"


@pytest.mark.parametrize("query", ["الحكومة", "محمد", "المغربية", "الإسرائيلي", "قال", "xqzv"])
def test_resolve_returns_nothing_for_non_names(stub: pb_grpc.EntityLinkerServiceStub, query: str) -> None:
    assert list(stub.Resolve(pb.ResolveRequest(mention=query)).candidates) == []


def test_resolve_type_filter_and_limit(stub: pb_grpc.EntityLinkerServiceStub) -> None:
    response = stub.Resolve(pb.ResolveRequest(mention="الرباط", limit=1))
    assert len(response.candidates) == 1
    people = stub.Resolve(pb.ResolveRequest(mention="الرباط", types=[pb.ENTITY_TYPE_PERSON]))
    assert list(people.candidates) == []


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"mention": ""}, "EMPTY_TEXT"),
        ({"mention": "ا" * 1001}, "TEXT_TOO_LARGE"),
        ({"mention": "x", "limit": 101}, ""),
    ],
)
def test_resolve_bad_requests(stub: pb_grpc.EntityLinkerServiceStub, fields: dict[str, object], reason: str) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        stub.Resolve(pb.ResolveRequest(**fields))  # type: ignore[arg-type]
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    if reason:
        assert error_reason(caught.value) == reason


def test_get_entity(stub: pb_grpc.EntityLinkerServiceStub) -> None:
    entity = stub.GetEntity(pb.GetEntityRequest(qid="Q1028")).entity
    assert entity.label_en == "Morocco"
    assert entity.type == pb.ENTITY_TYPE_PLACE
    assert entity.label_ar == "المغرب"
    assert 0.0 < entity.popularity <= 1.0
    assert entity.HasField("coordinates")


def test_get_entity_unknown_qid_is_not_found(stub: pb_grpc.EntityLinkerServiceStub) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        stub.GetEntity(pb.GetEntityRequest(qid="Q999999999999"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    assert "Q999999999999" in caught.value.details()
    assert error_reason(caught.value) == "ENTITY_NOT_FOUND"


@pytest.mark.parametrize("qid", ["", "1028", "q1028", "Q", "Q01", "Q12x", " Q1028"])
def test_get_entity_malformed_qid_is_invalid_argument(stub: pb_grpc.EntityLinkerServiceStub, qid: str) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        stub.GetEntity(pb.GetEntityRequest(qid=qid))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(caught.value) == "INVALID_QID"


def test_gazetteer_info(stub: pb_grpc.EntityLinkerServiceStub) -> None:
    info = stub.GetGazetteerInfo(pb.GetGazetteerInfoRequest())
    seeds = Counter(seed_kinds().values())
    counts = {c.type: c.count for c in info.counts}
    assert counts == {
        pb.ENTITY_TYPE_PERSON: seeds["person"],
        pb.ENTITY_TYPE_PLACE: seeds["place"],
        pb.ENTITY_TYPE_ORGANIZATION: seeds["organization"],
    }
    assert info.entity_count == sum(seeds.values())
    assert info.sources == ["seeds"]
    assert (info.normalizer_version, info.schema_version) == (NORMALIZER_VERSION, SCHEMA_VERSION)
    built_at = datetime.fromisoformat(info.built_at)  # built by this test session
    assert built_at.utcoffset() == timedelta(0)
    assert timedelta(0) <= datetime.now(UTC) - built_at < timedelta(hours=2)
    assert info.version == built_at.strftime("%Y%m%dT%H%M%SZ")
