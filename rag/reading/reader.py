"""The question reader: ``read(text, history, catalogue) -> Question``, the only code that reads
question text. Pure: the same text, history and catalogue give the same Question.

Order: the follow-up is read in the conversation's scope (rag.reading.followup), the form sets any
choices or yes/no frame apart (rag.reading.form), English administrative terms are put into
Vietnamese (rag.reading.english), then the wording tables (rag.reading.wordings) give the slot
and the cues, and the grammars give the document and clause references, the constraints and
the topic terms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from rag.deadlines import period_of
from rag.questions import (
    Catalogue,
    Constraints,
    DocumentReference,
    FollowUp,
    QueryTerms,
    Question,
    SearchQuery,
    Turn,
)
from rag.reading.asked import asked_parts
from rag.reading.catalogue import places_named, signers_named, titles_quoted
from rag.reading.clauses import legal_locator, parse_reference, with_rest
from rag.reading.english import english_known, translate_english
from rag.reading.followup import resolve
from rag.reading.form import parse_form
from rag.reading.hints import document_numbers, reference_spans, search_query
from rag.reading.matcher import Matcher
from rag.reading.terms import topic_terms
from rag.reading.wordings import (
    ACTOR_ACT,
    ASKED_DOC_TYPE,
    CUES,
    DOCUMENT_LEVEL,
    LINEAGE,
    LOCATOR_WORDS,
    MACROS,
    PROVINCIAL,
    SLOTS,
    SPEAKING_AUTHOR,
    TARGET_WORDS,
    VALUE_TYPES,
)
from rag.text import fold, has_diacritics
from rag.units import expand_abbreviations
from rag.values import (
    PERIOD_HALF,
    TYPED_DOCUMENT_NUMBER,
    bounded_quantities,
    dates_in,
    named_periods,
    number_labels,
    ordinals,
    question_numbers,
    roman_labels,
)
from rag.vocabulary import ASKED_UNITS

_SLOTS = Matcher(SLOTS, MACROS)
_CUES = Matcher(CUES, MACROS)
_LINEAGE = Matcher(LINEAGE, MACROS)
_ASKED_DOC_TYPE = re.compile(ASKED_DOC_TYPE.replace("{ASKED_DOC}", MACROS["ASKED_DOC"]))
_TITLE = re.compile(MACROS["TITLE"])
_PROVINCIAL = re.compile(PROVINCIAL)
_SPEAKING_AUTHOR = re.compile(SPEAKING_AUTHOR)
_LEVEL = re.compile(DOCUMENT_LEVEL.replace("{DOC}", MACROS["DOC"]))
_LEVELS = {
    "tinh": "tinh",
    "thanh pho": "tinh",
    "xa": "xa",
    "phuong": "xa",
    "thi tran": "xa",
    "huyen": "huyen",
    "quan": "huyen",
}
_TARGET_WORDS = re.compile(TARGET_WORDS)
_LOCATOR_WORDS = re.compile(LOCATOR_WORDS)
# "máy" (machine) folds like "mấy": with marks, only "mấy" asks for a count.
_MARKED_COUNT = re.compile(r"\bmấy\b", re.IGNORECASE)
_ASKED_UNITS = tuple((kind, re.compile(question)) for kind, (question, _) in ASKED_UNITS.items())
_ACTOR_ACT = re.compile(ACTOR_ACT)
_NUMBER_SLOT = re.compile(r"((?:\w+ ){0,2})\b(?:bao nhieu|may)\s+(\w+)")
_WORD = re.compile(r"\w+")
# "mức thu đối với tàu bay là bao nhiêu": the case asked about, its first two words (the noun that
# names it: "tàu bay", "nhà ở", "công chức"), before the predicate or the question words.
_QUALIFIER = re.compile(
    r"\bdoi voi\s+(?!(?:cac|nhung|moi|truong hop|viec)\b)([a-z]+(?: [a-z]+)?)\b"
    r"(?=\s|[,?;:(.]|$)"
)
# "Sở" written alone ("của Sở"), or unmarked after "của"/"tại": a department's document.
_BARE_SO = re.compile(r"\bSở\b|\b(?:cua|tai) So\b")
_BEFORE_WHICH = re.compile(r"((?:\w+\s+){1,4})$")
_WHICH = re.compile(r"\bnào\b")


def read(text: str, history: Sequence[Turn] = (), catalogue: Catalogue | None = None) -> Question:
    """What ``text`` asks, read in the scope ``history`` sets, against the documents of ``catalogue``."""
    resolution = resolve(text, history)
    content = resolution.question
    if resolution.needs_document and catalogue is not None:
        # "Ai ký văn bản đó?" with only the cited document to go on: its own name.
        content = resolution.naming(catalogue.label(resolution.doc_id))
    follow_up = None
    if resolution.follow_up or resolution.clarify or content != text:
        follow_up = FollowUp(
            restated=content if content != text else "",
            clarify=resolution.clarify,
            doc_id=resolution.doc_id,
            needs_document=resolution.needs_document,
            scope=resolution.scope,
        )
    form = parse_form(content)
    stem = content if form.kind == "plain" else form.stem
    question = _read_content(stem, catalogue or Catalogue())
    return _with(question, text=text, form=form, follow_up=follow_up)


def _with(q: Question, **changes: object) -> Question:
    return replace(q, **changes)  # type: ignore[arg-type]


def _read_content(content: str, catalogue: Catalogue) -> Question:
    query, english = translate_english(content.strip())
    folded = fold(query)
    slot = _SLOTS.first(folded) or "content"
    cues = set(_CUES.labels(folded))
    counts_in_words = "counts_in_words" in cues and (
        not has_diacritics(query) or bool(_MARKED_COUNT.search(query))
    )
    asks_count = counts_in_words or "counts" in cues
    if slot == "figure" and not asks_count and "counts_in_words" in cues:
        slot = "content"  # "máy" read as "mấy": no count is asked
    search = search_query(query)
    numbers = document_numbers(search)
    reference = parse_reference(query)
    if reference is not None:
        reference = with_rest(reference, query, numbers)
        cues.add("clause_reference")
    lineage = _LINEAGE.first(folded)
    if lineage is not None:
        cues.add("lineage")
    asked_type = _ASKED_DOC_TYPE.search(folded)
    task = int(search.task_number) if search.task_number else None
    period = None
    if "tasks_due" in cues and task is None:
        period = period_of(TYPED_DOCUMENT_NUMBER.sub(" ", query))
    figure_unit, measure = _figure(folded)
    title = _TITLE.search(folded) if slot == "person" else None
    return Question(
        text=content,
        content=content,
        query=query,
        folded=folded,
        words=frozenset(_WORD.findall(folded)),
        english=english,
        english_known=english_known(content) if english else 1.0,
        slot=slot,
        value_type=VALUE_TYPES.get(slot, "text"),
        slot_words=_slot_words(folded, slot),
        cues=frozenset(cues),
        person_title=title.group(0) if title else None,
        list_like="list_like" in cues,
        asks_count=asks_count,
        figure_unit=figure_unit,
        figure_measure=measure,
        number_slot=_number_slot(folded),
        act=_act(folded, slot),
        stated_numbers=tuple(question_numbers(folded)),
        stated_amounts=tuple(question_numbers(folded, periods=True)),
        asked_for=_asked_for(query.lower()),
        lineage=tuple(lineage.split(":")[1:]) if lineage else None,  # type: ignore[arg-type]
        asked_doc_type=asked_type.group(1) if asked_type else "",
        document=_document(query, folded, search, numbers, catalogue),
        clause=reference,
        article=legal_locator(folded, query),
        locator_only=not topic_terms(query, english=english, typed=content, drop=_LOCATOR_WORDS),
        constraints=Constraints(
            task=task,
            years=tuple(sorted(search.years)),
            period=period,
            dates=tuple(sorted(dates_in(folded))),
            # a document number's year ("1849/BGDĐT", "12/2025/NĐ-CP") names no period
            periods=tuple(sorted(named_periods(fold(TYPED_DOCUMENT_NUMBER.sub(" ", query))), key=str)),
            half=_half(folded),
            bounds=tuple(bounded_quantities(folded)),
            labels=tuple(roman_labels(query)),
            qualifiers=tuple(m.group(1) for m in _QUALIFIER.finditer(folded)),
            numbered=tuple(number_labels(folded)),
            ordinals=tuple(ordinals(folded)),
        ),
        terms=topic_terms(query, english=english, typed=content),
        target_terms=topic_terms(query, english=english, typed=content, drop=_TARGET_WORDS),
        search=search,
        parts=asked_parts(query, english),
    )


def _document(
    query: str, folded: str, search: SearchQuery, numbers: list[str], catalogue: Catalogue
) -> DocumentReference:
    types = tuple(fold(t) for t in search.doc_types)
    phrases = []
    for t in types:
        m = re.search(rf"\b{re.escape(t)}((?: \w+){{2}})", folded)
        if m:
            phrases.append((t, f"{t}{m.group(1)}"))
    level = _LEVEL.search(folded)
    return DocumentReference(
        refs=tuple((fold(r.doc_type), r.number) for r in search.doc_refs),
        level=_LEVELS[level.group(1)] if level else "",
        written=reference_spans(query),
        numbers=tuple(numbers),
        types=search.doc_types,
        authors=_authors(query, search),
        provincial=bool(_PROVINCIAL.search(folded)),
        bare_so=bool(_BARE_SO.search(query)),
        type_phrases=tuple(phrases),
        places=places_named(folded, catalogue),
        titled=titles_quoted(folded, catalogue),
        signers=signers_named(folded, catalogue),
    )


def _authors(query: str, search: SearchQuery) -> tuple[str, ...]:
    """Issuers named as the author: of a document type ("kế hoạch của Sở …"), or as the subject
    of the request the question asks about ("Bộ GDĐT yêu cầu …")."""
    authors = [phrase for _, phrase in search.issuer_refs]
    speaking = _SPEAKING_AUTHOR.match(fold(expand_abbreviations(query.strip())))
    if speaking:
        authors.append(speaking.group(1))
    return tuple(dict.fromkeys(authors))


def _figure(folded: str) -> tuple[str, str]:
    """The kind of figure asked for ("bao nhiêu đồng": money) and, for a measure, its unit."""
    for kind, pattern in _ASKED_UNITS:
        m = pattern.search(folded)
        if m:
            return kind, m.groupdict().get("unit") or ""
    return "", ""


def _slot_words(folded: str, slot: str) -> frozenset[str]:
    """The words of the wording that reads the slot: they ask, they name no subject."""
    m = _SLOTS.find(folded, slot)
    return frozenset(_WORD.findall(m.group(0))) if m else frozenset()


# Slots asking who does something: the act asked of that actor is read with them.
_ACTOR_SLOTS = frozenset({"lead_unit", "acting_unit", "coordinating_unit"})


def _act(folded: str, slot: str) -> tuple[str, ...]:
    """The first words of the act a unit is asked for ("quan", "ly", "su", "dung" for "ai được
    giao quản lý, sử dụng …"), for a slot asking which unit acts."""
    m = _ACTOR_ACT.search(folded) if slot in _ACTOR_SLOTS else None
    return tuple(_WORD.findall(m.group("act"))) if m else ()


def _number_slot(folded: str) -> tuple[tuple[str, ...], str] | None:
    m = _NUMBER_SLOT.search(folded)
    if not m or not m.group(1).split():
        return None
    return tuple(m.group(1).split()), m.group(2)


def _half(folded: str) -> str:
    asked = {m.group(1) for m in PERIOD_HALF.finditer(folded)}
    return asked.pop() if len(asked) == 1 else ""


def _asked_for(lowered: str) -> frozenset[str]:
    """Word runs (one to four words) right before "nào": "đơn vị nào" asks for a unit."""
    out: set[str] = set()
    for m in _WHICH.finditer(lowered):
        run = _BEFORE_WHICH.search(lowered[max(0, m.start() - 120) : m.start()])
        if run is None:
            continue
        words = run.group(1).split()
        out.update(" ".join(words[i:]) for i in range(len(words)))
    return frozenset(out)


def terms_of(question: Question, text: str) -> QueryTerms:
    """Topic terms of a text standing in for the question (a choice, the stem with a choice)."""
    return topic_terms(text, english=question.english, typed=question.content)
