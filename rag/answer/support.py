"""The support check: whether a found passage answers the question or something else.

A question names a subject no document has (a noun outside the corpus vocabulary), a year or
document number the corpus never mentions, or asks "how many" of a passage without any
quantity: then the documents do not answer it, and the answerer abstains.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rag.answer.base import Composed
from rag.answer.corpus import CorpusView
from rag.answer.fills import unfilled
from rag.answer.stats import CorpusStats
from rag.answer.text import NUMBER_WORDS, lacks_asked_figure, strip_marker
from rag.questions import Question
from rag.records import Clause
from rag.text import fold, has_diacritics
from rag.values import question_numbers
from rag.vocabulary import DOC_TYPES

STRONG_SUPPORT = 0.9
_LETTERS = re.compile(r"[^\W\d_]")
# Answered from the document's metadata, not from a clause about a case.
_FACT_SLOTS = frozenset({"signer", "recipient", "document_number"})
# Below this share of its subject words read into Vietnamese, an English question is not understood
# well enough to say that a clause answers it (English gold questions read at 0.71 or more).
ENGLISH_KNOWN = 0.6
# A compound noun used by at most this share of the documents names a subject (see absent_from_document).
SUBJECT_SHARE = 0.5
# underthesea (VLSP) tags of words that name things; Nc (classifiers: "vị", "cái") does not.
NOUN_TAGS = frozenset({"N", "Np", "Ny", "Nb", "Nu"})
# Segmented words that ask rather than name (they need not occur in the documents).
QUESTION_WORDS = frozenset(
    """
    bao_nhiêu như_thế_nào thế_nào tần_suất phần_trăm ký phải đâu gì nào ai khi_nào bao_giờ mấy
    những_gì làm_gì là_gì ở_đâu bao_lâu hay_không có_phải tổng_cộng tất_cả con_số số_liệu
    mức mức_độ số_lượng quy_định nội_dung trường_hợp cần được theo kích_thước kích_cỡ
    """.split()
)


def predicate_nouns(text: str) -> frozenset[str]:
    """Words tagged as nouns in the question that read as verbs on their own and come right before
    another verb: they head its predicate ("… cam kết giải quyết …", "… đề nghị bổ sung …"), a way of
    asking, not a subject the answering document must name."""
    from index.lexical import own_class, tagged_words

    words = tagged_words(text)
    return frozenset(
        word
        for (word, tag), (after, after_tag) in zip(words, words[1:], strict=False)
        if "_" in word
        and tag == "N"
        and after_tag == "V"
        and own_class(word) == "V"
        and _LETTERS.search(after)
    )


def _asked_for(word: str, question: Question) -> bool:
    """ "đơn vị nào", "bộ phận nào": the noun names what is asked for, not a subject; so do the
    words of the wording that read the slot ("đặt mục tiêu gì": "mục tiêu"), and the counted noun
    the segmenter glued to the word after it ("bao nhiêu ngày trước khi": "ngày_trước")."""
    spaced = word.replace("_", " ")
    if spaced in question.asked_for:
        return True
    syllables = fold(spaced).split()
    if syllables and all(s in question.slot_words for s in syllables):
        return True
    return question.number_slot is not None and syllables[:1] == [question.number_slot[1]]


def _unmarked(text: str, cited: Sequence[Clause] = ()) -> str:
    """Answer lines without their list markers: "2." or "6 |" is no quantity; nor is a footnote's
    own number ("3 Đề tài: …", footnote 3) when the answer is a footnote."""
    marks = {c.locator.rsplit(" ", 1)[-1] for c in cited if c.kind == "footnote"}
    lines = []
    for line in text.splitlines():
        line = strip_marker(line)
        head, _, rest = line.partition(" ")
        lines.append(rest if head in marks else line)
    return "\n".join(lines)


class SupportCheck:
    """Support checks over one corpus view and its vocabulary (every segmented word indexed)."""

    def __init__(self, view: CorpusView) -> None:
        self.view = view

    @property
    def stats(self) -> CorpusStats:
        return self.view.stats

    def unknown_words(self, intent: Question) -> list[str]:
        """Nouns of a question (typed with marks) that no document contains.

        A noun names a subject ("tàu điện", "học phí"): if no document has it, they do not answer.
        A verb, adjective or numeral no document uses ("gồm", "đặt", "sáu") is only a way of
        asking, so it is not counted.
        """
        if intent.english or self.stats.empty or not has_diacritics(intent.content):
            return []
        from index.lexical import tokenize, word_classes

        unknown = [
            w
            for w in tokenize(intent.query).word
            if not self.stats.knows_word(w) and w not in QUESTION_WORDS and not any(ch.isdigit() for ch in w)
        ]
        if not unknown:
            return []
        classes = word_classes(intent.query)
        return [
            w
            for w in unknown
            if classes.get(w, "N") in NOUN_TAGS
            and not self._written_otherwise(w, intent.content)
            and not _asked_for(w, intent)
        ]

    def _written_otherwise(self, word: str, question: str) -> bool:
        """A question word the documents contain in another form: segmented otherwise ("phường xã"
        as "phường, xã"; "tổng dự toán" as "tổng" + "dự toán"), with a word between ("tổng số
        điểm") or abbreviated ("KCN", "TP.HCM")."""
        parts = word.split("_")
        if not all(self.stats.knows_syllable(p) or self._known_acronym(p, question) for p in parts):
            return False
        if len(parts) == 1 or any(self._known_acronym(p, question) for p in parts):
            return True
        if self.stats.knows_phrase(parts):
            return True
        if any(
            self.stats.knows_word("_".join(parts[i:j]))
            for i in range(len(parts))
            for j in range(i + 2, len(parts) + 1)
            if j - i < len(parts)
        ):
            return True
        # Two words the documents write with one word between ("tổng điểm" as "tổng số điểm").
        first, last = (fold(p) for p in (parts[0], parts[-1]))
        return (
            len(parts) == 2
            and re.search(rf"\b{re.escape(first)} \w+ {re.escape(last)}\b", self.view.all_text) is not None
        )

    def _known_acronym(self, part: str, question: str) -> bool:
        """An upper-case abbreviation in the question whose letters begin the words of a phrase
        the documents contain ("KCN": khu công nghiệp), or that they write as it is."""
        letters = re.sub(r"[^a-z]", "", fold(part))
        written = re.search(re.escape(part), question, re.IGNORECASE)
        if not (2 <= len(letters) <= 8) or written is None or not written.group(0).isupper():
            return False
        return self.stats.knows_acronym(letters, fold(part))

    def mentions_unknown(self, intent: Question, *, numbers: bool = True) -> bool:
        """A year or document number the corpus never mentions cannot be answered from it; nor an
        English question most of whose subject words no glossary term reads."""
        if intent.english and intent.english_known < ENGLISH_KNOWN:
            return True
        for year in intent.years:
            if not self.stats.mentions_year(year):
                return True
        for _, number in intent.references if numbers else ():
            head = re.match(r"\d+", number)
            if head and not self.stats.mentions_number(head.group(0)):
                return True
        return False

    def answers_something_else(self, intent: Question, composed: Composed) -> bool:
        """A passage was found, but what the question asks is not in it (so the answer is capped)."""
        # A noun no document contains names a subject the documents do not cover ("tàu điện").
        if composed.support < STRONG_SUPPORT and self.unknown_words(intent):
            return True
        # "bao nhiêu …" answered by a sentence with no quantity in it: the figure is not there.
        # ("tần suất", "mức độ" may be answered in words: "hằng tuần", "thường xuyên".)
        asked = set(intent.stated_amounts)
        if (
            intent.asks_count
            and not set(question_numbers(fold(_unmarked(composed.text, composed.cited[:1])), periods=True))
            - asked
            # Laws often write numbers in words ("hai năm", "ba mươi ngày").
            and not NUMBER_WORDS.search(composed.text.lower())
        ):
            return True
        if lacks_asked_figure(
            intent.figure_unit,
            intent.figure_measure,
            fold(" ".join([composed.text, *(c.text for c in composed.cited)])),
        ):
            return True
        if composed.support < STRONG_SUPPORT and self.absent_from_document(intent, composed):
            return True
        # "mức thu đối với tàu bay" answered by a clause on cars: the case asked is not the one cited.
        if composed.support < STRONG_SUPPORT and self.other_case(intent, composed.cited):
            return True
        # The asked slot left empty (no day, no place, no count of the asked noun, only the "Căn
        # cứ …" lines) or a constraint the evidence states otherwise ("dưới 20 năm" for "trên 20 năm").
        if unfilled(
            intent, composed.text, [c.text for c in composed.cited], own_years=self.own_years(composed.cited)
        ):
            return True
        # "… năm 2024" answered from a report of 2025: not the year asked about.
        return bool(intent.years) and not self.about_years(composed.cited, intent.years)

    def absent_from_document(self, intent: Question, composed: Composed) -> list[str]:
        """Compound nouns of the question that other documents use but the one answering never
        does (a species, a school level or a province other plans name): it does not answer that."""
        docs = {c.doc_id for c in composed.cited}
        if (
            intent.english
            or len(docs) != 1
            or not has_diacritics(intent.content)
            or intent.slot
            in ("signer", "recipient", "document_number")  # answered from the document's metadata
        ):
            return []
        from index.lexical import tokenize, word_classes

        compounds = [
            w
            for w in tokenize(intent.query).word
            if "_" in w
            and self.stats.knows_word(w)
            and w not in QUESTION_WORDS
            and not any(ch.isdigit() for ch in w)
        ]
        if not compounds:
            return []
        text = self.view.document_text(docs.pop())
        classes = word_classes(intent.query)
        predicates = predicate_nouns(intent.query)
        return [
            w
            for w in compounds
            if classes.get(w, "N") in NOUN_TAGS
            and w not in predicates
            and f" {w.replace('_', ' ')} " not in text
            and fold(w.replace("_", " ")) not in DOC_TYPES
            and not _asked_for(w, intent)
            # a word most documents use ("thời gian", "công tác") is a way of speaking, not a subject
            and self.document_share(w) <= SUBJECT_SHARE
        ]

    def document_share(self, word: str) -> float:
        """Share of the documents whose text uses a (segmented) word."""
        return self.stats.document_share(word)

    def about(self, clause: Clause) -> str:
        """What a clause is about: its text and breadcrumb, the clauses it sits under (whole, not
        the cut breadcrumb) and its document's title, number and date."""
        doc = self.view.documents.get(clause.doc_id)
        return " ".join(
            [
                self.view.context(clause),
                *(self.view.folded[a.id] for a in self.view.ancestors(clause)),
                *(
                    fold(part)
                    for part in (
                        (doc.meta.title, doc.meta.subject, doc.meta.number, doc.meta.date, doc.meta.date_text)
                        if doc
                        else ()
                    )
                ),
            ]
        )

    def own_years(self, cited: Sequence[Clause]) -> frozenset[str]:
        """The years the cited clauses' documents are dated."""
        docs = (self.view.documents.get(c.doc_id) for c in cited)
        return frozenset(d.meta.date[:4] for d in docs if d is not None and d.meta.date[:4].isdigit())

    def about_years(self, cited: list[Clause], years: Iterable[str]) -> bool:
        """Whether a cited clause, the clauses it sits under or its document's title, number or
        date name one of the years."""
        return any(re.search(rf"(?<!\d){y}(?!\d)", self.about(c)) for c in cited for y in years)

    def other_case(self, intent: Question, cited: Sequence[Clause]) -> bool:
        """The question restricts itself to a case ("đối với tàu bay") that no cited clause, the
        headings above it nor its document's title name: they speak of other cases. (The heading
        or title may name it: "Điều 7. Mức thu đối với tàu bay" over "1. Mức thu là 1%.")"""
        if not intent.constraints.qualifiers or not cited or intent.slot in _FACT_SLOTS:
            return False
        about = " ".join(self.about(c) for c in cited)
        return any(not re.search(rf"\b{re.escape(q)}\b", about) for q in intent.constraints.qualifiers)
