"""Facts about documents: who signed, to whom it was sent, its number, the date of a cited document."""

from __future__ import annotations

import re
from collections import Counter

from rag.answer.base import CITATIONS, Composed, Context, Strategy
from rag.answer.corpus import CorpusView, coverage
from rag.answer.documents import documents_quoting, numbered_documents
from rag.answer.evidence import best_docs
from rag.answer.phrasing import signed_by
from rag.answer.resolution import about_another_document
from rag.answer.text import original_span, reference_text, short, squash_numbers, trim
from rag.records import Clause, Document, Hit
from rag.references import issuer_named
from rag.text import collapse_ws, fold
from rag.values import dates_in


class SignedBy(Strategy):
    """The documents a person the question names signed ("Ông X đã ký những văn bản nào?")."""

    name = "signed_by"
    claims = frozenset({"documents_signed"})

    def compose(self, ctx: Context) -> Composed | None:
        named = set(ctx.question.document.signers)
        signed = [
            doc
            for doc_id in ctx.affinity
            if (doc := ctx.view.documents[doc_id]).meta.signer_name and fold(doc.meta.signer_name) in named
        ]
        signatures = [
            (doc, clause)
            for doc in signed
            if (clause := next((c for c in ctx.view.by_doc[doc.id] if c.kind == "signature"), None))
        ]
        if not signatures:
            return None
        lines = [
            f"- {doc.meta.label()} ({short(doc.meta.title or doc.meta.subject, 120)}), {issue_date(doc)}"
            for doc, _ in signatures
        ]
        name = signatures[0][0].meta.signer_name
        text = f"{name} ký {len(lines)} văn bản:\n" + "\n".join(lines)
        # Each document's signature and its header (where its number stands).
        cited = [
            c
            for doc, signature in signatures
            for c in (signature, next((h for h in ctx.view.by_doc[doc.id] if h.kind == "header"), None))
            if c is not None
        ]
        return Composed(text=trim(text, 900), cited=cited[:CITATIONS], support=1.0)


class DocumentFacts(Strategy):
    """Signer, recipients or number of the document(s) the question names best."""

    name = "document_field"
    claims = frozenset({"signer", "recipient", "document_number"})

    def compose(self, ctx: Context) -> Composed | None:
        intent, hits, affinity = ctx.question, ctx.hits, ctx.affinity
        kind = {"signer": "signature", "recipient": "recipients", "document_number": "header"}[intent.slot]
        retrieval = Counter()
        for rank, h in enumerate(hits):
            retrieval[h.clause.doc_id] += 1.0 / (rank + 1)
        q_terms = intent.terms.without({"ky", "gui", "nhan", "hieu"})
        ranked = []
        for doc_id, aff in affinity.items():
            doc = ctx.view.documents[doc_id]
            meta = doc.meta
            about = f"{meta.label()} {meta.doc_type} {meta.title} {meta.subject} {meta.issuer}"
            title_cov = coverage(ctx.view, q_terms, ctx.view.meta_terms(about))
            ranked.append(
                (aff + 2.0 * title_cov + retrieval[doc_id], aff + 2.0 * title_cov, title_cov, doc_id)
            )
        ranked.sort(reverse=True)
        composed: list[tuple[str, Clause, float]] = []
        for _, naming, title_cov, doc_id in ranked[:3]:
            # The best document, plus any other the question names just as well (ambiguity).
            if composed and naming < ranked[0][1] - 0.05:
                break
            doc = ctx.view.documents[doc_id]
            clause = next((c for c in ctx.view.by_doc[doc_id] if c.kind == kind), None)
            text = document_fact(doc, kind, clause) if clause is not None else None
            if clause is not None and text is not None:
                composed.append((text, clause, max(title_cov, 0.6) if doc_id == ranked[0][3] else title_cov))
        if not composed:
            return None
        if len(composed) == 1:
            text, clause, support = composed[0]
            return Composed(text=trim(text), cited=[clause], support=support)
        text = "Câu hỏi khớp với nhiều văn bản:\n" + "\n".join(t for t, _, _ in composed)
        return Composed(text=trim(text, 900), cited=[c for _, c, _ in composed], support=composed[0][2])


# Words of a date question that name no subject.
_DATE_WORDS = frozenset(
    {"ngay", "nao", "khi", "bao", "gio", "thoi", "diem", "nam", "thang", "van", "ban", "so"}
)


def _other_subject(ctx: Context, doc: Document) -> bool:
    """The question names more than its document: words outside the document's number, type,
    title and issuer ("vụ sạt lở … nêu trong Công điện 217 xảy ra ngày nào")."""
    meta = doc.meta
    naming = ctx.view.meta_terms(f"{meta.label()} {meta.doc_type} {meta.title} {meta.subject} {meta.issuer}")
    rest = [t for t in ctx.question.terms.folded if t not in naming.folded and t not in _DATE_WORDS]
    return len([t for t in rest if not t.isdigit()]) > 1


class EffectiveDate(Strategy):
    """When a document takes effect: the sentence that says so ("có hiệu lực (thi hành) kể từ …"),
    or, for "which document takes effect on D", every document whose sentence names D."""

    name = "effective_date"
    claims = frozenset({"in_effect"})

    def compose(self, ctx: Context) -> Composed | None:
        intent = ctx.question
        asked = set(intent.constraints.dates)
        if not (intent.slot == "date" or asked):
            return None
        candidates = [
            c
            for doc_id in ctx.affinity
            for c in ctx.view.by_doc.get(doc_id, [])
            if _IN_EFFECT.search(ctx.view.folded[c.id]) and c.kind not in ("header", "recipients")
        ]
        if asked:
            matching = [c for c in candidates if asked & dates_in(ctx.view.folded[c.id])]
            if not matching:
                return None
            lines = []
            for c in matching[:6]:
                doc = ctx.view.documents[c.doc_id]
                lines.append(f"{doc.meta.label()}: {_effect_sentence(ctx, c)}")
            return Composed(text=trim("\n".join(lines), 900), cited=matching[:CITATIONS], support=1.0)
        docs = best_docs(ctx.affinity, {c.doc_id for c in candidates})
        # A sentence that says from when ("có hiệu lực (thi hành) kể từ ngày …") over one that
        # only mentions validity ("… hết hiệu lực", "văn bản có hiệu lực").
        stating = [c for c in candidates if c.doc_id in docs and _TAKES_EFFECT.search(ctx.view.folded[c.id])]
        pool = [Hit(clause=c, score=1.0) for c in (stating or [c for c in candidates if c.doc_id in docs])]
        if not pool:
            return None
        best = ctx.evidence.candidates(intent, pool, ctx.affinity)
        if not best:
            return None
        top = best[0].clause
        doc = ctx.view.documents[top.doc_id]
        sentence = _effect_sentence(ctx, top)
        if _ON_SIGNING.search(fold(sentence)) and (doc.meta.date or doc.meta.date_text):
            sentence += f" ({doc.meta.label()} ký {issue_date(doc)}.)"
        cited = [top]
        exception = _excepted_clause(ctx, top, sentence)
        if exception is not None:
            # "… từ ngày 01/01/2026, trừ trường hợp quy định tại khoản 2 Điều này": the other date.
            sentence += f"\n{short(exception.text, 300)}"
            cited.append(exception)
        return Composed(text=trim(sentence, 700), cited=cited, support=max(best[0].support, 0.6))


_IN_EFFECT = re.compile(r"\bhieu luc\b")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EXCEPT_CLAUSE = re.compile(r"\btru (?:cac |truong hop |noi dung )*(?:quy dinh )?tai khoan (\d+) dieu nay\b")


def _excepted_clause(ctx: Context, clause: Clause, sentence: str) -> Clause | None:
    """The clause of the same article an effect sentence excepts ("trừ trường hợp quy định tại
    khoản 2 Điều này"): it takes effect otherwise."""
    m = _EXCEPT_CLAUSE.search(fold(sentence))
    article = re.match(r"(Điều \d+\w*) khoản \d+", clause.locator)
    if m is None or article is None:
        return None
    locator = f"{article.group(1)} khoản {m.group(1)}"
    return next((c for c in ctx.view.by_doc.get(clause.doc_id, []) if c.locator == locator), None)


_TAKES_EFFECT = re.compile(r"\bco hieu luc(?: thi hanh)?(?: ke)? tu\b")
_ON_SIGNING = re.compile(r"\b(tu|ke tu) ngay ky\b")


def _effect_sentence(ctx: Context, clause: Clause) -> str:
    """The passage of a clause that says when it takes effect."""
    passages = ctx.view.passages(clause)
    return next((p.text for p in passages if _IN_EFFECT.search(p.folded)), short(clause.text, 300))


class ReferenceDate(Strategy):
    """The date of a document the question cites by number ("Quyết định số 12/QĐ-UBND ngày …")."""

    name = "reference_date"
    claims = frozenset({"date"})

    def compose(self, ctx: Context) -> Composed | None:
        if not ctx.question.references:
            return None
        intent, hits, affinity = ctx.question, ctx.hits, ctx.affinity
        asks_issue = "issuing" in intent.cues
        for ref_type, number in intent.references:
            other = about_another_document(intent, ref_type, number)
            if other:
                # "ký phiếu trình về Công văn 4552 ngày nào": the day of the phiếu trình that cites it.
                return _citing_document_date(ctx, other, number)
            # The document itself is indexed: its own date.
            numbered = numbered_documents(ctx.view, number)
            partial: Document | None = None
            for doc in ctx.view.documents.values() if numbered is None else numbered:
                if doc.id not in affinity:  # outside the caller's access or filters
                    continue
                if doc.meta.number and fold(doc.meta.number).startswith(number) and doc.meta.date:
                    if not asks_issue and _other_subject(ctx, doc):
                        return None  # when something the document tells of happened: its text answers
                    if not _ISO_DAY.match(doc.meta.date) or "date" in doc.meta.uncertain:
                        # A scan's date without its day, or read with doubt: a document citing it
                        # with the full date says more; this one answers when none does.
                        partial = partial or doc
                        continue
                    issued = _issued_on(ctx, doc)
                    if issued is not None:
                        return issued
            pattern = re.compile(
                # "số" may come out of OCR as "s6"/"sb": any short token may stand between.
                rf"{re.escape(ref_type)}\s+(?:\S{{1,3}}\s+)?{re.escape(number)}\b[^.;]{{0,40}}?\b(ngay\s+\d{{1,2}}\s*(?:/\s*\d{{1,2}}\s*/\s*\d{{4}}|thang\s+\d{{1,2}}\s+nam\s+\d{{4}}))"
            )
            for clause in [h.clause for h in hits] + _citing_clauses(ctx.view, number):
                if clause.doc_id not in affinity:
                    continue
                text = ctx.view.folded[clause.id]
                m = pattern.search(squash_numbers(text))
                if not m:
                    continue
                date = original_span(clause.text, m.group(1))
                name = original_span(clause.text, f"{ref_type}") or ref_type
                ref_text = reference_text(clause.text, number) or f"{name} {number}"
                return Composed(text=f"{ref_text} được ban hành {date}.", cited=[clause], support=1.0)
            if partial is not None:
                return _issued_on(ctx, partial)
        return None


def _citing_document_date(ctx: Context, kind: str, number: str) -> Composed | None:
    """The issue date of the one document of that type that cites the number (None when there is
    not exactly one, or its date was not written: its text answers)."""
    quoting = documents_quoting(ctx.view, number)
    view = ctx.view
    docs = [
        d
        for d in (
            view.documents.values() if quoting is None else (view.documents[x] for x in sorted(quoting))
        )
        if d.id in ctx.affinity and fold(d.meta.doc_type) == kind and number in ctx.view.folded_document(d.id)
    ]
    if len(docs) != 1 or not docs[0].meta.date:
        return None
    return _issued_on(ctx, docs[0])


def _issued_on(ctx: Context, doc: Document) -> Composed | None:
    """ "<Loại> số <số> ban hành ngày …", cited to the document's header (None without one)."""
    header = next((c for c in ctx.view.by_doc[doc.id] if c.kind == "header"), None)
    if header is None:
        return None
    return Composed(text=f"{doc.meta.label()} ban hành {issue_date(doc)}.", cited=[header], support=1.0)


def _citing_clauses(view: CorpusView, number: str) -> list[Clause]:
    """The clauses, in view order, of the documents whose text holds the number's digits (the
    only ones that may cite it); every clause when the number does not begin with digits."""
    head = re.match(r"\d+", number)
    if head is None:
        return list(view.clauses.values())
    citing = view.number_documents().get(head.group(0), frozenset())
    return [c for doc_id, clauses in view.by_doc.items() if doc_id in citing for c in clauses]


def document_fact(doc: Document, kind: str, clause: Clause) -> str | None:
    """One sentence about a document: its number and date, who signed it, or whom it was sent to."""
    meta = doc.meta
    if kind == "header":
        number = meta.number.strip()
        if not number or number.startswith("/"):
            return None  # a draft or a document whose number was not written
        issued = f", ban hành {issue_date(doc)}" if meta.date or meta.date_text else ""
        # Who issued it too: "tỉnh nào / cơ quan nào … số hiệu gì" asks both, and a number is
        # only read right with its issuer (two provinces' plans may share "45/KH-UBND").
        # A department is told from the others by the province above it ("Sở GDĐT tỉnh Đồng Tháp").
        named = issuer_named(meta) if meta.issuer else ""
        issuer = f" của {named}" if named else ""
        return f"{meta.doc_type or 'Văn bản'} số {number}{issuer}{issued}."
    if kind == "signature":
        return signed_by(meta) or f"{meta.label()}, phần chữ ký: {short(clause.text, 200)}"
    names = meta.recipients or meta.distribution
    return f"{meta.label()} gửi: " + "; ".join(names) + "." if names else None


def issue_date(doc: Document) -> str:
    """ "ngày 4 tháng 3 năm 2026" from a complete ISO date (OCR may have garbled the written one)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", doc.meta.date or "")
    if m:
        return f"ngày {int(m.group(3))} tháng {int(m.group(2))} năm {m.group(1)}"
    written = collapse_ws(doc.meta.date_text or doc.meta.date)
    return written if written.lower().startswith("ngày") else f"ngày {written}"
