"""Legal locators: "Điều nào quy định X?" is answered with the article (number and title), then
what it says; "… và quy định ở điều nào?" gets the fact and the article that states it."""

from __future__ import annotations

import re

from rag.answer.base import Composed, Context, Strategy
from rag.answer.corpus import CorpusView
from rag.answer.passage import ExtractivePassage
from rag.answer.text import trim
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
        if composed is None or not composed.cited:
            return composed
        clause = composed.cited[0]
        article = article_of(ctx.view, clause)
        if article is None:
            return composed
        if fold(composed.text).startswith(fold(article.locator) + "."):
            return composed  # the article itself answers, its number and title come first
        deeper = clause.locator[len(article.locator) :].strip() if clause.id != article.id else ""
        lead = article_label(article) + (f" ({deeper})" if deeper else "")
        cited = composed.cited if article in composed.cited else [*composed.cited, article]
        return Composed(text=trim(f"{lead}: {composed.text}", 700), cited=cited, support=composed.support)
