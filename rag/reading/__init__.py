"""The question reader: the only code that reads question text (see rag/reading/reader.py).

``read(text, history, catalogue) -> Question`` (rag.questions); ``search_query(text)`` the hints
retrieval receives for a text; ``catalogue_of(documents)`` what the reader knows of the corpus.
"""

from rag.reading.catalogue import catalogue_of
from rag.reading.english import warm as warm_english
from rag.reading.hints import search_query
from rag.reading.reader import read, terms_of


def warm() -> None:
    """Build the reader's tables that are built on first use (the English glossary's pattern)."""
    warm_english()


__all__ = ["catalogue_of", "read", "search_query", "terms_of", "warm"]
