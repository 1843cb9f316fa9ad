"""Relevance of the guide search: how well a query matches an item, the same on every database.

Chinese has no spaces between words, so text is compared as written (a query found whole in a
field) and, failing that, by character bigrams (a query most of whose two-character pieces are
in a field: "营业执照办理" still finds "营业执照"). Where the query is found decides the score,
strongest first: the item's name exactly, the name containing it, one of the item's keywords
(群众常用叫法), its department or themes, then its materials and conditions.

A query of several words (separated by spaces) asks for items that match every word; the
item's score is the sum of the words' scores. Pure Python, no database: `selectors` fetches a
prefiltered set of candidates and ranks them here, so SQLite and PostgreSQL rank alike.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

# Scores of a whole match in each kind of field; a partial (bigram) match scores at most half.
EXACT_NAME = 200.0  # added when the query is the item's name or code
NAME = 100.0
KEYWORD = 80.0
PLACE = 40.0
TEXT = 20.0
EXACT_KEYWORD_BONUS = 10.0  # a keyword typed exactly ranks above one merely containing the query
NAME_SHARE_BONUS = 10.0  # among names containing the query, the one it fills most ranks first
PARTIAL_SHARE = 0.5  # a partial match is worth this share of a whole one, times its coverage
# A partial match counts only when at least this share of the word's bigrams are found (one of
# two is too little: "开公司" would match every "公司").
MIN_COVERAGE = 0.6

KEYWORD_SEPARATORS = re.compile(r"[\s,,、;;/|]+")


def normalise(text: str) -> str:
    """Text as the search compares it: full-width folded, lower case, letters and digits only."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def bigrams(text: str) -> frozenset[str]:
    """The two-character pieces of normalised text (a single character stands for itself)."""
    if len(text) < 2:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def split_keywords(keywords: str) -> list[str]:
    """An item's keywords as entered: separated by commas, 顿号, semicolons or line breaks."""
    return [k for k in KEYWORD_SEPARATORS.split(keywords) if k]


@dataclass(frozen=True)
class Query:
    """A search as typed: its words, normalised (empty words dropped)."""

    text: str

    @cached_property
    def terms(self) -> tuple[tuple[str, str], ...]:
        """Each word as typed and normalised (words with no letter or digit dropped)."""
        pairs = ((part, normalise(part)) for part in self.text.split())
        return tuple((raw, norm) for raw, norm in pairs if norm)

    @cached_property
    def words(self) -> tuple[str, ...]:
        return tuple(norm for _raw, norm in self.terms)

    @cached_property
    def whole(self) -> str:
        return "".join(self.words)

    def probes(self, word: str) -> list[str]:
        """Substrings one of which a field must contain for `word` to match it (the prefilter)."""
        return [word] if len(word) <= 2 else sorted(bigrams(word))


@dataclass
class Field:
    """One searchable text of an item, normalised once."""

    text: str
    norm: str = field(init=False)

    def __post_init__(self) -> None:
        self.norm = normalise(self.text)

    @cached_property
    def pieces(self) -> frozenset[str]:
        return bigrams(self.norm)

    def quality(self, word: str) -> float:
        """1 when the field contains `word`, a share below 1 for most of its bigrams, else 0."""
        if not self.norm:
            return 0.0
        if word in self.norm:
            return 1.0
        wanted = bigrams(word)
        coverage = len(wanted & self.pieces) / len(wanted)
        return PARTIAL_SHARE * coverage if len(word) > 2 and coverage >= MIN_COVERAGE else 0.0


@dataclass
class Document:
    """What the search knows of one item."""

    name: str
    code: str = ""
    keywords: Iterable[str] = ()
    places: Iterable[str] = ()  # department name and short name, theme names
    texts: Iterable[str] = ()  # material names, conditions

    def __post_init__(self) -> None:
        self._name = Field(self.name)
        self._code = Field(self.code)
        self._keywords = [Field(k) for k in self.keywords]
        self._places = [Field(p) for p in self.places]
        self._texts = [Field(t) for t in self.texts]

    def word_score(self, word: str) -> float:
        """The best match of one word: the strongest kind of field it is found in."""
        scores = [0.0]
        name = self._name.quality(word)
        if name == 1.0:
            scores.append(NAME + NAME_SHARE_BONUS * len(word) / len(self._name.norm))
        else:
            scores.append(NAME * name)
        if self._code.norm and word in self._code.norm:
            scores.append(NAME)
        for keyword in self._keywords:
            exact = EXACT_KEYWORD_BONUS if keyword.norm == word else 0.0
            scores.append(KEYWORD * keyword.quality(word) + exact)
        scores.extend(PLACE * place.quality(word) for place in self._places)
        scores.extend(TEXT * text.quality(word) for text in self._texts)
        return max(scores)

    def score(self, query: Query) -> float:
        """The item's relevance to `query`; 0 when some word of the query matches nothing."""
        if not query.words:
            return 0.0
        total = 0.0
        for word in query.words:
            best = self.word_score(word)
            if best == 0.0:
                return 0.0
            total += best
        if query.whole in (self._name.norm, self._code.norm):
            total += EXACT_NAME
        return total
