"""Link on the caller's own spans (disambiguation only) and entity views (AIP-157), over gRPC."""

from __future__ import annotations

import grpc
import pytest

from entitylinker.v1 import entity_linker_service_pb2 as pb
from entitylinker.v1 import entity_linker_service_pb2_grpc as pb_grpc
from tests.conftest import error_reason


def _utf16(text: str, start: int) -> int:
    return len(text[:start].encode("utf-16-le")) // 2


def test_the_callers_spans_are_linked_exactly_and_in_their_order(stub: pb_grpc.EntityLinkerServiceStub) -> None:
    text = "😀 وصل ماكرون إلى الرباط ثم التقى بوريطة والمسؤولين"
    wanted = ["بوريطة", "الرباط", "ماكرون", "والمسؤولين"]  # out of text order; the last is no name
    spans = []
    for surface in wanted:
        start = text.index(surface)
        spans.append(pb.TextSpan(start=_utf16(text, start), end=_utf16(text, start + len(surface))))
    request = pb.LinkRequest(
        text=text, spans=spans, offset_encoding=pb.OFFSET_ENCODING_UTF16_CODE_UNITS, max_candidates=2
    )
    response = stub.Link(request)
    encoded = text.encode("utf-16-le")
    got = [(encoded[2 * m.start : 2 * m.end].decode("utf-16-le"), m.entity.qid) for m in response.mentions]
    assert got == [("بوريطة", "Q24893357"), ("الرباط", "Q3551"), ("ماكرون", "Q3052772")]


def test_a_span_inside_a_character_or_out_of_order_is_refused(stub: pb_grpc.EntityLinkerServiceStub) -> None:
    text = "😀 الرباط"
    for span, encoding in (
        (pb.TextSpan(start=1, end=4), pb.OFFSET_ENCODING_UTF16_CODE_UNITS),  # inside the emoji's surrogate pair
        (pb.TextSpan(start=5, end=3), pb.OFFSET_ENCODING_CODE_POINTS),
        (pb.TextSpan(start=2, end=99), pb.OFFSET_ENCODING_CODE_POINTS),
    ):
        with pytest.raises(grpc.RpcError) as caught:
            stub.Link(pb.LinkRequest(text=text, spans=[span], offset_encoding=encoding))
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert error_reason(caught.value) == "INVALID_SPAN"


def test_entity_views_answer_with_as_much_as_asked(stub: pb_grpc.EntityLinkerServiceStub) -> None:
    text = "وصل الوفد إلى الرباط"
    full = stub.Link(pb.LinkRequest(text=text)).mentions[0].entity
    ids = stub.Link(pb.LinkRequest(text=text, entity_view=pb.ENTITY_VIEW_ID_ONLY)).mentions[0].entity
    basic = stub.Link(pb.LinkRequest(text=text, entity_view=pb.ENTITY_VIEW_BASIC)).mentions[0].entity
    assert full.qid == ids.qid == basic.qid == "Q3551" and full.description_ar
    assert ids == pb.Entity(qid="Q3551")
    assert basic == pb.Entity(qid="Q3551", type=full.type, label_ar="الرباط", label_en="Rabat", country_qid="Q1028")
    assert ids.ByteSize() < basic.ByteSize() < full.ByteSize()
    resolved = stub.Resolve(pb.ResolveRequest(mention="الرباط", entity_view=pb.ENTITY_VIEW_ID_ONLY))
    assert [c.entity for c in resolved.candidates][:1] == [pb.Entity(qid="Q3551")]
    with pytest.raises(grpc.RpcError) as caught:
        stub.Link(pb.LinkRequest(text=text, entity_view=7))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
