"""The question reader: the only code that reads question text (see rag/reading/reader.py).

``read(text, history, catalogue) -> Question`` (rag.questions); ``search_query(text)`` the hints
retrieval receives for a text; ``catalogue_of(documents)`` what the reader knows of the corpus.
"""

from rag.reading.catalogue import catalogue_of
from rag.reading.hints import search_query
from rag.reading.reader import read, terms_of

__all__ = ["catalogue_of", "read", "search_query", "terms_of"]
