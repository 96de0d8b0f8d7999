"""Legal locators: "Điều nào quy định X?" is answered with the article (number and title), then
what it says; "… và quy định ở điều nào?" gets the fact and the article that states it."""

from __future__ import annotations

import re

from rag.answer.base import Composed, Context, Strategy
from rag.answer.corpus import CorpusView
from rag.answer.documents import named_documents
from rag.answer.passage import ExtractivePassage
from rag.answer.text import short, strip_marker, trim
from rag.records import Clause
from rag.text import fold

_ARTICLE_LOCATOR = re.compile(r"^Điều \d+[a-zđ]?$")


def article_of(view: CorpusView, clause: Clause) -> Clause | None:
    """The article (Điều) a clause is, or sits in."""
    for c in (clause, *view.ancestors(clause)):
        if c.kind == "heading" and _ARTICLE_LOCATOR.match(c.locator):
            return c
    return None


def article_label(article: Clause) -> str:
    """'Điều 12. Phối hợp trong …' as the document writes it."""
    title = article.title.strip()
    return f"{article.locator}. {title}" if title else article.locator


class ArticleLocator(Strategy):
    name = "article"
    claims = frozenset({"which_article"})

    def __init__(self, passage: ExtractivePassage | None = None) -> None:
        self.passage = passage or ExtractivePassage()

    def compose(self, ctx: Context) -> Composed | None:
        composed = self.passage.compose(ctx)
        docs = set(named_documents(ctx.view, ctx.question, ctx.affinity))
        if not docs and composed is not None and composed.cited:
            docs = {composed.cited[0].doc_id}
        titled = titled_article(ctx.view, ctx.question.folded, docs)
        found = article_of(ctx.view, composed.cited[0]) if composed is not None and composed.cited else None
        if titled is not None and titled is not found:
            # The article whose heading names what is asked ("Thẩm quyền xử lý kỷ luật … điều
            # nào?"): its heading is the answer a reader looks for, whatever passage ranked first.
            return self._article(ctx.view, titled)
        if composed is None or not composed.cited:
            return composed
        clause = composed.cited[0]
        article = found
        if article is None:
            return composed
        if fold(composed.text).startswith(fold(article.locator) + "."):
            return composed  # the article itself answers, its number and title come first
        deeper = clause.locator[len(article.locator) :].strip() if clause.id != article.id else ""
        lead = article_label(article) + (f" ({deeper})" if deeper else "")
        cited = composed.cited if article in composed.cited else [*composed.cited, article]
        return Composed(text=trim(f"{lead}: {composed.text}", 700), cited=cited, support=composed.support)

    @staticmethod
    def _article(view: CorpusView, article: Clause) -> Composed:
        items = [c for c in view.children.get(article.id, []) if c.kind != "footnote"]
        body = "\n".join(f"- {short(strip_marker(i.text), 200)}" for i in items[:6])
        text = article_label(article) + (f"\n{body}" if body else "")
        return Composed(text=trim(text, 700), cited=[article, *items[:3]], support=1.0)


def _pairs(folded: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", folded)
    return {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


# An article's heading names what a question asks when at least this share of its word pairs
# (and at least TITLE_PAIRS of them) are the question's, besides those naming the document.
TITLE_COVERAGE = 0.5
TITLE_PAIRS = 2


def titled_article(view: CorpusView, question: str, docs: set[str]) -> Clause | None:
    """The article of these documents whose heading the question words most fully: most word
    pairs in common (the document's own title words aside), then the larger share of its heading."""
    asked = _pairs(question)
    best: tuple[int, float] | None = None
    found: Clause | None = None
    for doc_id in sorted(docs):
        doc = view.documents.get(doc_id)
        own = asked - _pairs(fold(f"{doc.meta.title} {doc.meta.subject}")) if doc else asked
        for c in view.by_doc.get(doc_id, []):
            if c.kind != "heading" or not _ARTICLE_LOCATOR.match(c.locator) or not c.title.strip():
                continue
            pairs = _pairs(fold(c.title))
            common = len(pairs & own)
            if not pairs or common < TITLE_PAIRS or common / len(pairs) < TITLE_COVERAGE:
                continue
            key = (common, common / len(pairs))
            if best is None or key > best:
                best, found = key, c
    return found
