"""Document affinity scored for the documents a question reads, and the documents a number names
looked up by their digits: the same documents a pass over every document finds."""

from __future__ import annotations

from rag.answer.corpus import CorpusView
from rag.answer.documents import document_affinity, documents_quoting, named_documents, numbered_documents
from rag.reading import catalogue_of, read
from rag.records import Clause, Document, DocumentMeta
from rag.text import fold


def _doc(doc_id: str, number: str, issuer: str, text: str, doc_type: str = "Kế hoạch") -> Document:
    meta = DocumentMeta(doc_type=doc_type, number=number, issuer=issuer, title=f"{doc_type} về {text[:20]}")
    clause = Clause(
        id=f"{doc_id}:1", doc_id=doc_id, source=f"{doc_id}.txt", locator="1", kind="paragraph", text=text
    )
    return Document(id=doc_id, source=f"{doc_id}.txt", content_hash=doc_id, meta=meta, clauses=[clause])


DOCS = [
    _doc("a", "120/KH-UBND", "Ủy ban nhân dân tỉnh Lâm Hà", "Phát triển chợ nông thôn đến năm 2030."),
    _doc("b", "12/KH-UBND", "Ủy ban nhân dân tỉnh Lâm Hà", "Chuyển đổi số trong cơ quan nhà nước."),
    _doc("c", "112/KH-STC", "Sở Tài chính", "Thực hiện Kế hoạch 112/KH-STC về quyết toán kinh phí."),
    _doc(
        "d", "45/CV-STC", "Sở Tài chính", "Báo cáo tiến độ theo Kế hoạch số 12/KH-UBND của tỉnh.", "Công văn"
    ),
    _doc("e", "/KH-SXD", "Sở Xây dựng", "Rà soát quy hoạch đô thị."),
]


def _ask(view: CorpusView, question: str):  # type: ignore[no-untyped-def]
    intent = read(question, catalogue=catalogue_of((d.id, d.meta) for d in view.documents.values()))
    return intent, document_affinity(view, intent, set(view.documents) - {"e"})


def test_affinity_scores_only_the_documents_read_and_keeps_the_readable_set() -> None:
    view = CorpusView(DOCS)
    intent, affinity = _ask(view, "Kế hoạch 12/KH-UBND về chuyển đổi số giao nhiệm vụ gì?")
    assert "e" not in affinity and "zz" not in affinity and "b" in affinity
    assert len(affinity) == 4 and list(affinity) == ["a", "b", "c", "d"]
    assert affinity["b"] > affinity["a"] >= 0.0  # its number and its title's words
    assert len(affinity._scores) == 2  # nothing else was scored
    assert max(affinity.values()) == affinity["b"]  # ranking every document scores them all
    assert named_documents(view, intent, affinity) == {"b"}


def test_a_named_author_names_each_of_its_documents() -> None:
    view = CorpusView(DOCS)
    intent, affinity = _ask(view, "Kế hoạch của Sở Tài chính về quyết toán kinh phí là gì?")
    assert named_documents(view, intent, affinity) >= {"c"}
    assert named_documents(view, intent, affinity) <= {"c", "d"}


def test_numbers_looked_up_by_their_digits_match_what_a_scan_finds() -> None:
    view = CorpusView(DOCS)
    for number in ("12", "12/kh-ubnd", "120", "112/kh-stc", "45", "9"):
        # What may begin with the number, in view order: a superset of what does, never fewer.
        scanned = [d.id for d in view.documents.values() if fold(d.meta.number).startswith(number)]
        found = [d.id for d in numbered_documents(view, number) or []]
        assert [d for d in found if fold(view.documents[d].meta.number).startswith(number)] == scanned
        quoted = {d for d in view.documents if number in view.folded_document(d)}
        assert quoted <= (documents_quoting(view, number) or set())
    # "12/kh-ubnd" is written inside document d's text; "12/kh" inside c's "112/kh-stc" too.
    assert "d" in (documents_quoting(view, "12/kh-ubnd") or set())
    assert "c" in (documents_quoting(view, "12/kh") or set())
    assert numbered_documents(view, "/kh-sxd") is None and documents_quoting(view, "kh") is None
