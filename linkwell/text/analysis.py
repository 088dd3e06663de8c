"""Text for lexical matching: words, Snowball stems, stop words, phrase bigrams, the curated
related-terms list (`data/related_terms.json`) and a BM25 index.

A document or query becomes *terms*: the stems of its non-stop words plus a bigram term
("lunch club" -> "lunch", "club", "lunch club") for each pair of neighbouring stems, so a phrase
match outscores the same words scattered. Pure Python + NumPy; no settings or database.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
import sys
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt
import snowballstemmer

_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "s",
        "t",
        "don",
        "want",
        "wants",
        "wanted",
        "like",
        "likes",
        "liked",
        "would",
        "love",
        "loves",
        "really",
        "get",
        "gets",
        "getting",
        "got",
        "go",
        "goes",
        "going",
        "back",
        "feel",
        "feels",
        "feeling",
        "felt",
        "bit",
        "lot",
        "lots",
        "much",
        "many",
        "maybe",
        "something",
        "anything",
        "things",
        "thing",
        "able",
        "etc",
        "per",
        "via",
        "us",
        "let",
        "lets",
        "one",
        "ones",
    ]
)
# "feeling" is a stop word in free text, but "feeling down" is a phrase in related_terms.json:
# phrases are matched on the raw word sequence first (see `phrase_in`), so both work.


# A Snowball stemmer keeps the word it is working on in the object itself, so one shared
# between threads (the server's threaded workers) can read another thread's word half-way:
# "string index out of range" under load. One stemmer per thread.
_THREAD = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    stemmer = getattr(_THREAD, "stemmer", None)
    if stemmer is None:
        stemmer = _THREAD.stemmer = snowballstemmer.stemmer("english")
    return stemmer


# Words Snowball folds into another word's stem that means something else here: "house" (a
# building: "get out of the house", "stuck in the house") shares "hous" with "housing" (the need
# for a home), so "stuck in the house" would read as a housing need and find housing advice.
# So does "fitness" (the activity) with "fit" ("fit for 81", "a job to fit around caring", "had
# a fit"): fit alone is not exercise; "get fit" and "keep fit" are phrases of their own.
# So do "trains" (the railway kind: "loves trains", "model trains") with "train" ("trained
# volunteers", "training").
# Each keeps a stem of its own, on both sides (a person's words and a listing's).
OWN_STEMS = {"house": "house", "houses": "house", "fitness": "fitness", "trains": "trains"}


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    return OWN_STEMS.get(word) or str(_stemmer().stemWord(word))


def fold(text: str) -> str:
    """Lower case, accents removed, curly apostrophes straightened ("Café" -> "cafe")."""
    if text.isascii():  # most text: nothing to decompose or straighten
        return text.lower()
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return text.translate(_combining_marks()).lower()


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})


@functools.cache
def _combining_marks() -> dict[int, None]:
    """A `str.translate` table deleting every combining mark (built once, on first use: one
    C-level pass per text instead of a Python test per character)."""
    return {c: None for c in range(0x300, sys.maxunicode + 1) if unicodedata.combining(chr(c))}


# A contraction's ending after a pronoun ("she'd", "I'll", "we're", "they've", "I'm") is dropped,
# leaving the pronoun (a stop word): joined up, "she'd" would be "shed" (a men's shed), "I'll"
# "ill", "we'll" "well" and "we're" "were". "can't", "won't", "don't" stay joined ("cant"): the
# related terms hold "can't sleep" and "can't drive".
_CONTRACTION_ENDINGS = ("'d", "'ll", "'re", "'ve", "'m")


def words(text: str) -> list[str]:
    """Folded words; a possessive "'s" is dropped ("men's" -> "men"), and so is a contraction's
    ending ("she'd" -> "she")."""
    out = []
    for word in _WORD_RE.findall(fold(text)):
        if word.endswith("'s"):
            word = word[:-2]
        elif word.endswith(_CONTRACTION_ENDINGS):
            word = word[: word.index("'")]
        out.append(word.replace("'", ""))
    return [w for w in out if w]


# Phrases whose noun says where, not what: "one-to-one support at home" is not about a home,
# so it must not match someone's "cold home" or "warm home". Each becomes one term on both
# sides ("at-home"), so "help at home" still finds "visits you at home".
PLACE_PHRASES = {("at", "home"): "at-home", ("from", "home"): "from-home"}
# Two words that name one pastime: a "word search" is a puzzle, and its "search" must not find
# the job searches of an employment service. One term too, the same as written as one word.
# A "night out" is going out to socialise, not the night-time of a helpline open "day or night".
# A "care leaver" grew up in care: not a carer.
COMPOUND_WORDS = {
    ("word", "search"): "wordsearch",
    ("word", "searches"): "wordsearch",
    ("night", "out"): "night-out",
    ("nights", "out"): "night-out",
    ("learning", "disability"): "learning-disability",
    ("learning", "disabilities"): "learning-disability",
    # A young person who grew up in care, not someone who cares for another.
    ("care", "leaver"): "care-leaver",
    ("care", "leavers"): "care-leaver",
}
FUSED_PHRASES = PLACE_PHRASES | COMPOUND_WORDS


def stems(text: str) -> list[str]:
    """Stems of the non-stop words, in order; a place phrase ("at home") or a compound ("word
    search") is one term."""
    said = words(text)
    out = []
    skip = False
    for w, after in itertools.zip_longest(said, said[1:]):
        if skip:
            skip = False
            continue
        fused = FUSED_PHRASES.get((w, after or ""))
        if fused:
            out.append(fused)
            skip = True
        elif w not in STOP_WORDS:
            out.append(stem(w))
    return out


# Who runs a listing is not what it is about: "trained volunteers", "fully trained staff", "walk
# leaders are first-aid trained" (`without_who_runs_it`, read on a listing's side only).
_WHO_RUNS_IT_RE = re.compile(
    r"\b(?:(?:fully|specially|professionally|highly|dbs[- ]checked\s+and)\s+)?trained\b",
    re.IGNORECASE,
)


def without_who_runs_it(text: str) -> str:
    """A listing's words without those saying how its people are trained ("our trained
    volunteers" -> "our volunteers"): that is who runs it, not its topic, and must not meet
    someone's wish to train or their trains."""
    return _WHO_RUNS_IT_RE.sub(" ", text)


def all_stems(text: str) -> list[str]:
    """Stems of every word, stop words included (for phrase matching)."""
    return [stem(w) for w in words(text)]


def terms(text: str) -> list[str]:
    """Index terms: stems plus neighbour bigrams ("lunch club")."""
    seq = stems(text)
    return seq + [f"{a} {b}" for a, b in itertools.pairwise(seq)]


def contains(sequence: Sequence[str], phrase: Sequence[str]) -> bool:
    """Whether `phrase` occurs as consecutive items of `sequence`."""
    n = len(phrase)
    if n == 0 or n > len(sequence):
        return False
    first = phrase[0]
    return any(
        sequence[i] == first and tuple(sequence[i : i + n]) == tuple(phrase)
        for i in range(len(sequence) - n + 1)
    )


# --- related terms --------------------------------------------------------------------------


@dataclass(frozen=True)
class Phrase:
    text: str
    words: tuple[str, ...]  # stems of every word (phrase matching on the person's words)
    terms: tuple[str, ...]  # index terms (matching a document)
    trigger_only: bool = False  # the list says: never search services for it
    qualified: bool = False  # the list says: a qualifier from another group takes it over
    kind: str = ""  # the list's kind of the group it belongs to ("muslim" for "mosque"), if any

    @property
    def target(self) -> bool:
        """Whether services are searched for this phrase. A phrase with a stop word in it
        ("feeling down", "looking after my") is only a trigger: the index drops stop words, so
        it would be searched as "look" and match any service that mentions looking. So is one
        the list marks `trigger_only`: "drinking" said by a person is about alcohol, but in a
        listing its stem is the "hot drinks" of a warm space. Two words read as one term ("word
        searches", "learning disabilities") are searched as that term."""
        return (
            bool(self.terms)
            and not self.trigger_only
            and not any(w in STOP_WORDS for w in words(self.text))
        )


@dataclass(frozen=True)
class RelatedGroup:
    name: str
    phrases: tuple[Phrase, ...]


def _phrase(
    text: str, *, trigger_only: bool = False, qualified: bool = False, kind: str = ""
) -> Phrase:
    return Phrase(
        text=text,
        words=tuple(all_stems(text)),
        terms=tuple(terms(text)),
        trigger_only=trigger_only,
        qualified=qualified,
        kind=kind,
    )


@functools.cache
def related_groups() -> tuple[RelatedGroup, ...]:
    """The shipped list (`data/related_terms.json`), parsed once."""
    raw = json.loads(
        resources.files("linkwell.text.data")
        .joinpath("related_terms.json")
        .read_text(encoding="utf-8")
    )
    groups = []
    for item in raw["groups"]:
        trigger_only = set(item.get("trigger_only", ()))
        qualified = set(item.get("qualified", ()))
        kind_of = {t: kind for kind, said in item.get("kinds", {}).items() for t in said}
        unknown = (trigger_only | qualified | set(kind_of)) - set(item["terms"])
        if unknown:
            raise ValueError(f"related terms group {item['name']!r}: not in its terms: {unknown}")
        phrases = tuple(
            _phrase(
                t, trigger_only=t in trigger_only, qualified=t in qualified, kind=kind_of.get(t, "")
            )
            for t in dict.fromkeys(item["terms"])
        )
        # Phrases of stop words only ("feeling down") are kept: they trigger, never target.
        groups.append(RelatedGroup(name=item["name"], phrases=tuple(p for p in phrases if p.words)))
    return tuple(groups)


@functools.cache
def _phrases_by_first_stem() -> dict[str, list[tuple[int, int, Phrase]]]:
    """First stem -> (group index, phrase index, phrase), so `expand` looks only at phrases that
    can start at each word."""
    out: dict[str, list[tuple[int, int, Phrase]]] = {}
    for g, group in enumerate(related_groups()):
        for k, phrase in enumerate(group.phrases):
            if phrase.words:
                out.setdefault(phrase.words[0], []).append((g, k, phrase))
    return out


@dataclass(frozen=True)
class Expansion:
    """Phrases related to something the person said: `trigger` is the phrase of theirs that
    matched a group; `phrases` are the group's other phrases."""

    trigger: str
    phrases: tuple[Phrase, ...]
    # When the person named a kind of the group (their own faith: "mosque"): the phrases of the
    # other kinds, which take a listing out of this expansion's matches unless it also holds one
    # of `own` (the phrases of the kinds they named). Empty otherwise.
    excluding: tuple[Phrase, ...] = ()
    own: tuple[Phrase, ...] = ()


# After "my", "our"…, these name the person's relative: "I care for my mum" is about caring, not
# about being a mum, so it does not trigger the parents' group ("mums", "parents").
POSSESSIVES = frozenset({"my", "our", "his", "her", "their", "your"})
RELATIVE_STEMS = frozenset(
    stem(w) for w in ("mum", "mam", "mom", "mother", "dad", "father", "parent", "parents")
)


_RELATIVE_RE = re.compile(
    r"\b(?:my|our|his|her|their|your)\s+(?:(?:elderly|old|late|own)\s+)?"
    r"(?:mum|mums|mam|mom|mother|mothers|dad|dads|father|fathers|parent|parents|"
    r"grandmother|grandfather|gran|grandad|nan)\b",
    re.IGNORECASE,
)


# A parent named without "my" is still a relative when the words say whose or what happened:
# "mum's mental health", "mum died" (a bereavement, not parenting).
_PARENT_WORDS = r"(?:mum|mam|mom|mother|dad|father|parent|parents)"
_RELATIVE_ALONE_RE = re.compile(
    rf"\b{_PARENT_WORDS}(?:['\u2019]s\b|(?=\s+(?:died|passed)\b))", re.IGNORECASE
)
RELATIVE_AFTER = frozenset({"died", "passed"})


# Someone else caring for the person is not the person caring: "wife is carer", "His wife Hafsa
# cares for him", "my daughter looks after me", "cared for by her son", "my carer comes daily".
# Each match's named group holds the caring words, which neither trigger the carers' group nor
# are searched for.
_OTHER_PEOPLE = (
    r"(?:wife|husband|partner|son|daughter|mum|mam|mom|mother|dad|father|parent|sister|brother|"
    r"niece|nephew|grandson|granddaughter|grandchildren|friend|neighbour|neighbor|family|children|kids)"
)
_CARED_FOR_RE = re.compile(
    rf"\b{_OTHER_PEOPLE}s?(?:\s+(?-i:[A-Z][a-z]+))?,?\s+(?:who\s+)?"
    r"(?:(?:is|was|has been|acts as|as)\s+(?:(?:my|his|her|their|a|the|main|full-time|only|"
    r"unpaid|sole)\s+)*(?P<carer>carers?)\b"
    r"|(?:(?:is|was|has been)\s+)?(?P<caring>(?:cares|cared|caring|looks|looked|looking)\s+"
    r"(?:for|after))\b)"
    r"|\b(?P<passive>(?:cared|looked)\s+(?:for|after))\s+by\b"
    r"|\b(?:my|his|her|their)\s+(?:(?:main|paid|full-time|only)\s+)?(?P<theirs>carers?)\b",
    re.IGNORECASE,
)


def _cared_for_spans(text: str) -> list[tuple[int, int]]:
    """Where (in `text`) the words are of someone else caring for the person."""
    spans = []
    for match in _CARED_FOR_RE.finditer(text):
        name = next(n for n in ("carer", "caring", "passive", "theirs") if match.group(n))
        spans.append(match.span(name))
    return spans


def _cared_for_words(text: str) -> set[int]:
    """Positions (in `words(text)`) of caring words whose carer is someone else."""
    out: set[int] = set()
    for start, end in _cared_for_spans(text):
        first = len(words(text[:start]))
        out.update(range(first, first + len(words(text[start:end]))))
    return out


def without_relatives(text: str) -> str:
    """`text` with the person's parents and the caring others do for them taken out ("I look
    after my mum" -> "I look after", "mum's mental health" -> "mental health", "wife is carer"
    -> "wife is"): searched for, "mum" would find mums' groups and "carer" carers' services."""
    for start, end in reversed(_cared_for_spans(text)):
        text = text[:start] + " " + text[end:]
    return _RELATIVE_ALONE_RE.sub(" ", _RELATIVE_RE.sub(" ", text))


# --- refusals --------------------------------------------------------------------------------
#
# What a person says they will not do is not a need for it: "I don't want to sit in a day
# centre", "I'm not going to a coffee morning", "not a group person", "no talking groups", "as
# long as nobody makes me talk about my feelings", "something without having to talk", "as long
# as it isn't a group". Each refusal is the words that say it and the thing refused (its
# object), up to the end of the clause.

_NEG = r"(?:don'?t|doesn'?t|didn'?t|won'?t|wouldn'?t|do\s+not|does\s+not|did\s+not|will\s+not|would\s+not|never)"
_WILL_NOT = r"(?:won'?t|wouldn'?t|will\s+not|would\s+not|refuses?\s+to|refused\s+to)"
_TAKE_PART = r"(?:want|wants|wanted|like|likes|fancy|fancies|enjoy|enjoys|do|does|go|goes|join|joins|attend|attends)"
# Where the thing refused ends: the clause's punctuation, a closing quote, a dash, or a word that
# starts another clause ("but I'd go to something practical", "and I want to go places", "where
# they weigh you").
_CLAUSE_END = (
    r"(?=\s*(?:[.,;:!?()\"\u201c\u201d]|'(?=[\s.,;:!?]|$)|\s[-\u2013\u2014]\s|$)"
    r"|\s+(?:but|because|unless|though|although|where|as\s+long\s+as|so\s+(?:she|he|i|they|we)|"
    r"and\s+(?:i|i'd|i'm|he|he'd|she|she'd|they|we|would|wants?|likes?|needs?)|if)\b)"
)
_NOT_CONJUNCTION = r"(?!(?:but|and|or|so|because|i|he|she|they|we|it|that)\b)"
_REFUSAL_RE = re.compile(
    # "I don't want to sit in a day centre", "I don't do groups", "won't have strangers in"
    rf"\b{_NEG}\s+(?:really\s+|even\s+)?{_TAKE_PART}(?:\s+to)?\s+(?P<a>.+?){_CLAUSE_END}"
    rf"|\b{_WILL_NOT}\s+(?:ever\s+)?(?:have|sit|talk|use|join|attend|go)\s+(?P<b>.+?){_CLAUSE_END}"
    # "I'm not going to a coffee morning", "not sitting in a circle", "not one for crying in
    # groups", "not into", "not interested in", "not keen on", "not a fan of"
    r"|\bnot\s+(?:really\s+)?(?:going\s+to|sitting|joining|one\s+for|into|interested\s+in|"
    rf"keen\s+on|a\s+fan\s+of)\s+(?P<c>.+?){_CLAUSE_END}"
    # "not a group person", "not really a people person"
    r"|\bnot\s+(?:really\s+)?an?\s+(?P<d>\w+(?:\s+\w+)?)\s+person\b"
    # "as long as nobody makes me talk about my feelings"
    r"|\b(?:nobody|no\s+one|no-one)\s+(?:makes?|forces?|pushes?)\s+(?:me|him|her|them)\s+"
    rf"(?:to\s+)?(?P<e>.+?){_CLAUSE_END}"
    # "can't face baby groups", "couldn't face going to a club" (only of a kind of gathering:
    # "can't face the post" is a trouble, not a refusal)
    r"|\b(?:can'?t|cannot|couldn'?t|could\s+not)\s+face\s+(?P<k>(?:going\s+to\s+|being\s+in\s+)?"
    r"(?:\w+\s+){0,2}?(?:groups?|clubs?|class(?:es)?|circles?|centres?|crowds?|gyms?))\b"
    # "hates crowds", "can't stand bingo"
    rf"|\b(?:hates?|can'?t\s+stand|cannot\s+stand|can'?t\s+bear|cannot\s+bear)\s+(?P<f>.+?){_CLAUSE_END}"
    # "no talking groups", "no more groups" (not "there are no groups near her")
    r"|(?<!there\sare\s)(?<!there\sis\s)(?<!there\swere\s)(?<!has\s)(?<!have\s)(?<!had\s)"
    r"\bno\s+(?:more\s+)?(?P<g>(?:\w+\s+)?(?:groups?|circles?))\b"
    # "groups aren't for me", "bingo is not really her thing"
    rf"|\b(?P<h>(?:{_NOT_CONJUNCTION}\w+\s+){{0,2}}{_NOT_CONJUNCTION}\w+)\s+"
    r"(?:isn'?t|aren'?t|is\s+not|are\s+not|'s\s+not|'re\s+not)\s+(?:really\s+)?"
    r"(?:for\s+(?:me|him|her|them)|(?:my|his|her|their)\s+thing)\b"
    # "something without having to talk", "exercise without a crowd"
    r"|\bwithout\s+(?:having\s+to\s+|needing\s+to\s+|being\s+(?:made|asked|pushed)\s+to\s+)?"
    rf"(?P<i>.+?){_CLAUSE_END}"
    # "as long as it isn't a group", "if it's not with people from my school", "provided
    # there's no talking"
    r"|\b(?:as\s+long\s+as|so\s+long\s+as|provided|providing|if)\s+(?:it|that|they|there)\s*"
    r"(?:isn'?t|aren'?t|is\s+not|are\s+not|'s\s+not|'re\s+not|is\s+no|are\s+no|'s\s+no)\s+"
    rf"(?:with\s+|in\s+|at\s+)?(?P<j>.+?){_CLAUSE_END}",
    re.IGNORECASE,
)
_REFUSAL_OBJECTS = "abcdefghijk"
# "Without" after being or living, or without anyone, is a lack, the person's trouble, not a
# refusal: "she has been without heating since October", "living without a car", "went without
# meals", "days without seeing anyone".
_LACK_BEFORE_RE = re.compile(
    r"(?:\b(?:be|been|being|is|am|are|was|were|left|go|goes|going|went|gone|live|lives|living|"
    r"cope|coping|manage|managing|do|did|done)|'s|'re|'m)\s+$",
    re.IGNORECASE,
)
_LACK_OF_RE = re.compile(r"\b(?:anyone|anybody|a\s+soul)\b", re.IGNORECASE)
# What someone else will not do or want is not the person's refusal but often their trouble: "the
# landlord won't do repairs", "the council won't fix the damp", "her son doesn't want her going
# out alone". The person is "I", "he", "she" or a name. A relative counts as someone else only
# after "his" or "her" (about the person): "Mum hates crowds" may be a daughter's words about
# the person.
_SOMEONE_ELSE_RE = re.compile(
    r"\b(?:(?:landlords?|council|councils|doctors?|gp|gps|surgery|hospital|housing\s+association|"
    r"association|letting\s+agents?|agents?|agency|employers?|boss|school|college|dwp|jobcentre|"
    r"social\s+services|neighbours?)"
    r"|(?:his|her)\s+(?:husband|wife|partner|sons?|daughters?|children|kids|family|parents?|"
    r"mum|dad|mother|father|brother|sister|carers?))\s+(?:just\s+|really\s+|still\s+)?$",
    re.IGNORECASE,
)
# So is a home without something, or being without what nobody chooses to go without: "a flat
# without heating", "a house without hot water", "he sleeps without a bed" (but "a class without
# a weigh-in" and "a swim without a crowd" are what the person would rather not have).
_HOME_BEFORE_RE = re.compile(
    r"\b(?:flat|flats|house|houses|home|homes|bedsit|caravan|room|rooms|accommodation|"
    r"property|tenancy)\s+$",
    re.IGNORECASE,
)
# But a home without an obstacle is the home wished for: "a home without stairs", "a flat
# without steps", "a house without damp" (what they would rather not have, as a refusal is).
_OBSTACLE_RE = re.compile(
    r"^(?:any\s+|the\s+|a\s+|so\s+many\s+|too\s+many\s+)*(?:stairs|steps|step|staircase|"
    r"damp|mould|mold|noise)\b",
    re.IGNORECASE,
)
_NECESSITY_RE = re.compile(
    r"^(?:any\s+|a\s+|an\s+|the\s+|proper\s+|working\s+|enough\s+)*(?:heating|heat|hot\s+water|"
    r"water|electricity|electric|gas|power|food|money|a\s+bed|bed|furniture|a\s+cooker|cooker|"
    r"a\s+fridge|fridge|a\s+roof|roof|central\s+heating|a\s+boiler|boiler)\b",
    re.IGNORECASE,
)
# Not refusals but the person's troubles said as what they don't want: "I don't want to be on my
# own", "doesn't like being alone", "I don't want to drink again", "won't go back to gambling".
_NOT_A_REFUSAL_RE = re.compile(
    r"^(?:be|being|feel|feeling|become|becoming|get|getting|end\s+up|lose|losing|stay|staying|"
    r"live|living|go\s+back|drink|drinking|gamble|gambling|smoke|smoking|use|using|relapse|"
    r"fall|falling|miss|missing|struggle|struggling|cope|coping|know|manage|managing)\b"
    # "be in a group", "be sat in a day centre", "be put in a home" are places refused
    r"(?!\s+(?:(?:sat|sitting|put|kept|shut\s+away)\s+)?(?:in|at|part\s+of|with)\s+"
    r"(?:a|an|the|any)\b)",
    re.IGNORECASE,
)
_REFUSAL_MAX_WORDS = 10


@dataclass(frozen=True)
class Refusal:
    span: tuple[int, int]  # where (in the text) the refusal is said, its words included
    thing: str  # what is refused: "sit in a day centre", "groups", "a coffee morning"


@functools.lru_cache(maxsize=4096)
def refusals(text: str) -> tuple[Refusal, ...]:
    """What the person says they will not do or have, and where they say it."""
    plain = text.translate(_APOSTROPHES)  # one character for one: the spans stay the text's
    out = []
    for match in _REFUSAL_RE.finditer(plain):
        name = next(n for n in _REFUSAL_OBJECTS if match.group(n))
        thing = match.group(name).strip(" '")
        if not 0 < len(words(thing)) <= _REFUSAL_MAX_WORDS:
            continue
        if _NOT_A_REFUSAL_RE.match(thing):
            continue
        before = plain[: match.start()]
        if name in "abf" and _SOMEONE_ELSE_RE.search(before):
            continue
        if name == "i" and (
            _LACK_BEFORE_RE.search(before)
            or (_HOME_BEFORE_RE.search(before) and not _OBSTACLE_RE.match(thing))
            or _LACK_OF_RE.search(thing)
            or _NECESSITY_RE.match(thing)
        ):
            continue
        out.append(Refusal(span=match.span(), thing=thing))
    return tuple(out)


def without_refusals(text: str) -> str:
    """`text` with each refusal taken out, its words and the thing refused: what is left is what
    the person asks for ("I don't want to sit in a day centre, I want to go places" -> ", I want
    to go places")."""
    for refusal in reversed(refusals(text)):
        start, end = refusal.span
        text = text[:start] + " " + text[end:]
    return text


def _live_hits(
    text: str,
) -> tuple[list[str], list[tuple[int, int, int, int]], list[tuple[int, int]]]:
    """(the words of `text`, the related-terms phrases it says that count, the qualified
    phrases another group's phrase takes over): hits are (group, phrase index, start, length)
    in words; taken-over phrases are (start, length)."""
    said = words(text)
    seq = [stem(w) for w in said]
    possessive = [w.endswith("'s") for w in _WORD_RE.findall(fold(text))]
    others_caring = _cared_for_words(text)
    # Every place a phrase of a group occurs: (group, phrase index, start, length).
    hits: list[tuple[int, int, int, int]] = []
    index = _phrases_by_first_stem()
    groups = related_groups()
    for i, first in enumerate(seq):
        if first in RELATIVE_STEMS and (
            (i and said[i - 1] in POSSESSIVES)
            or possessive[i]
            or (i + 1 < len(said) and said[i + 1] in RELATIVE_AFTER)
        ):
            continue  # "my mum", "mum's", "mum died": a relative, not parenting ("mums")
        if i in others_caring:
            continue  # "his wife cares for him": he is not a carer
        for g, k, phrase in index.get(first, ()):
            if tuple(seq[i : i + len(phrase.words)]) == phrase.words:
                hits.append((g, k, i, len(phrase.words)))
    # The longest phrase wins where two groups' phrases overlap: "money worries" is about
    # money (debt), not the "worry" of low mood; "food bank" is food, whatever "bank" is.
    # A `qualified` phrase gives way to another group's phrase qualifying it, just before it or
    # after "from"/"after"/"about": "stroke recovery", "mental health recovery" and "recovery
    # from a stroke" are not the recovery of addiction; "drug recovery" still is. "Worried about
    # scams" is a worry about scams, not low mood; "worried about my mental health" still is.
    # Either way a qualified phrase is taken over: its words are not searched on their own.
    # A worry about meeting people is the worry itself (anxiety, low mood), and meeting people is
    # what they fear, not what they ask for: "worried about meeting people", "nervous about
    # making friends".
    live, taken_over = [], []
    feared: set[tuple[int, int, int, int]] = set()
    for g, k, i, n in hits:
        qualified = groups[g].phrases[k].qualified
        if any(h != g and hn > n and hi <= i and i + n <= hi + hn for h, _, hi, hn in hits):
            if qualified:
                taken_over.append((i, n))
            continue
        if qualified and _qualified(g, i, n, hits, said):
            social = _social_after(i, n, hits, said)
            if social is None:
                taken_over.append((i, n))
                continue
            feared.add(social)
        live.append((g, k, i, n))
    taken_over.extend((i, n) for _, _, i, n in feared)
    return said, [hit for hit in live if hit not in feared], taken_over


@functools.lru_cache(maxsize=4096)
def expand(text: str) -> tuple[Expansion, ...]:
    """The related-term groups `text` touches, each with the phrases to look for in services.
    `trigger` is the person's own words that matched ("cares for", not the list's "caring for")."""
    said, live, _ = _live_hits(text)
    groups = related_groups()
    # The first phrase of each group (in list order) that the person said.
    first_hit: dict[int, tuple[int, int, int]] = {}
    for g, k, i, n in live:
        if g not in first_hit or k < first_hit[g][0]:
            first_hit[g] = (k, i, n)
    out: list[Expansion] = []
    named_kinds = {groups[g].phrases[k].kind for g, k, _, _ in live} - {""}
    for g in sorted(first_hit):
        group = groups[g]
        k, start, n = first_hit[g]
        hit = group.phrases[k]
        trigger = " ".join(said[start : start + n])
        own = set(terms(text))
        # A person who names a kind (their faith) is pointed to that kind and the general
        # phrases, not to the other kinds.
        kinds = {p.kind for p in group.phrases} & named_kinds
        others = tuple(
            p
            for p in group.phrases
            if p is not hit
            and p.target
            and not set(p.terms) <= own
            and (not kinds or not p.kind or p.kind in kinds)
        )
        excluding = tuple(p for p in group.phrases if kinds and p.kind and p.kind not in kinds)
        theirs = tuple(p for p in group.phrases if p.kind in kinds) if kinds else ()
        if others:
            out.append(Expansion(trigger=trigger, phrases=others, excluding=excluding, own=theirs))
    return tuple(out)


def phrases_said(text: str) -> tuple[Phrase, ...]:
    """The related-terms phrases `text` says (each once), as `expand` reads them: "sit in a day
    centre" -> "day centre"."""
    _, live, _ = _live_hits(text)
    groups = related_groups()
    return tuple(dict.fromkeys(groups[g].phrases[k] for g, k, _, _ in live))


def _stems_at(said: Sequence[str]) -> list[tuple[str, int]]:
    """`stems` of these words, each with the position of its (first) word."""
    out = []
    skip = False
    for i, (w, after) in enumerate(itertools.zip_longest(said, said[1:])):
        if skip:
            skip = False
            continue
        fused = FUSED_PHRASES.get((w, after or ""))
        if fused:
            out.append((fused, i))
            skip = True
        elif w not in STOP_WORDS:
            out.append((stem(w), i))
    return out


def said_stems(text: str) -> list[str]:
    """The stems to search listings for, of what a person said: `stems` of the text without
    their relatives (`without_relatives`), less a `qualified` word another group's phrase
    takes over: "stroke recovery" is not searched as "recovery" (an addiction service's word)."""
    plain = without_relatives(text)
    said, _, taken_over = _live_hits(plain)
    dropped = {i + j for i, n in taken_over for j in range(n)}
    return [s for s, i in _stems_at(said) if i not in dropped]


def said_terms(text: str) -> list[str]:
    """`said_stems` plus the bigrams of every neighbouring pair of stems, taken-over words
    included: "stroke recovery" is searched as "stroke" and the phrase "stroke recovery"."""
    plain = without_relatives(text)
    said, _, taken_over = _live_hits(plain)
    dropped = {i + j for i, n in taken_over for j in range(n)}
    seq = _stems_at(said)
    return [s for s, i in seq if i not in dropped] + [
        f"{a} {b}" for (a, _), (b, _) in itertools.pairwise(seq)
    ]


# Recovery from drink or drugs, said anywhere by the person: "drug recovery", "in recovery from
# alcohol", "opiate dependence in recovery", "staying clean in recovery".
RECOVERY_STEMS = frozenset({stem("recovery")})
SUBSTANCE_STEMS = frozenset(
    stem(w)
    for w in ("drug", "drugs", "alcohol", "alcoholic", "drink", "drinking", "opiate", "opiates",
              "opioid", "heroin", "cocaine", "crack", "methadone", "substance", "addiction",
              "addict", "sober", "sobriety")
)  # fmt: skip


def substance_recovery(said: Sequence[str]) -> bool:
    """Whether anything the person said speaks of recovery together with drink or drugs (in the
    same item): their "recovery" is that recovery."""
    for value in said:
        stems_ = set(stems(without_refusals(value)))
        if stems_ & RECOVERY_STEMS and stems_ & SUBSTANCE_STEMS:
            return True
    return False


_QUALIFIER_LINKS = frozenset({"from", "after", "about"})
_QUALIFIER_SKIP = frozenset({"a", "an", "the", "my", "his", "her", "their", "our", "your"})


# What a person can be worried about that is meeting people (`_live_hits`).
SOCIAL_CONTACT = frozenset({"meet people", "make friends"})


def _social_after(
    start: int, length: int, hits: Sequence[tuple[int, int, int, int]], said: list[str]
) -> tuple[int, int, int, int] | None:
    """The phrase of meeting people (`SOCIAL_CONTACT`) that the words at `start` are about
    ("worried about meeting people"), if that is what qualifies them."""
    after = start + length
    if after >= len(said) or said[after] != "about":
        return None
    after += 1
    while after < len(said) and said[after] in _QUALIFIER_SKIP:
        after += 1
    groups = related_groups()
    return next(
        (
            (h, k, i, n)
            for h, k, i, n in hits
            if i == after and groups[h].phrases[k].text in SOCIAL_CONTACT
        ),
        None,
    )


def _qualified(
    group: int, start: int, length: int, hits: Sequence[tuple[int, int, int, int]], said: list[str]
) -> bool:
    """Whether a phrase of another group qualifies the words at `start`: ends just before them
    ("stroke recovery") or starts after "from"/"after"/"about" and a determiner ("recovery from
    a stroke", "worried about the bills")."""
    after = start + length
    if after < len(said) and said[after] in _QUALIFIER_LINKS:
        after += 1
        while after < len(said) and said[after] in _QUALIFIER_SKIP:
            after += 1
    else:
        after = -1
    return any(h != group and (i + n == start or i == after) for h, _, i, n in hits)


# --- BM25 -----------------------------------------------------------------------------------

FloatArray = npt.NDArray[np.float64]


class BM25:
    """Okapi BM25 over term lists (k1=1.2, b=0.75; idf = ln(1 + (N - df + .5)/(df + .5)),
    never negative). Postings are NumPy arrays, so a query touches only the documents that
    contain its terms."""

    def __init__(self, documents: Sequence[Iterable[str]], *, k1: float = 1.2, b: float = 0.75):
        self.n = len(documents)
        self.k1, self.b = k1, b
        lengths = np.zeros(self.n, dtype=np.float64)
        postings: dict[str, tuple[list[int], list[int]]] = {}
        self.vocabulary: list[set[str]] = []
        for i, doc in enumerate(documents):
            counts = Counter(doc)
            lengths[i] = sum(counts.values())
            self.vocabulary.append(set(counts))
            for term, tf in counts.items():
                docs, tfs = postings.setdefault(term, ([], []))
                docs.append(i)
                tfs.append(tf)
        avg = float(lengths.mean()) if self.n and lengths.sum() else 1.0
        self._norm = k1 * (1 - b + b * lengths / avg)
        self._postings = {
            t: (np.array(d, dtype=np.int64), np.array(f, dtype=np.float64))
            for t, (d, f) in postings.items()
        }

    def document_frequency(self, term: str) -> int:
        posting = self._postings.get(term)
        return 0 if posting is None else len(posting[0])

    def idf(self, term: str) -> float:
        posting = self._postings.get(term)
        df = 0 if posting is None else len(posting[0])
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, query: Mapping[str, float]) -> FloatArray:
        """Score of every document for weighted query terms (weight multiplies a term's score)."""
        out = np.zeros(self.n, dtype=np.float64)
        for docs, values in self._term_scores(query):
            out[docs] += values
        return out

    def _term_scores(
        self, query: Mapping[str, float]
    ) -> Iterator[tuple[npt.NDArray[np.int64], FloatArray]]:
        """Each query term found: its documents and its weighted BM25 part in each, in the
        query's order (so sums over them give the same floats wherever they are added)."""
        for term, weight in query.items():
            posting = self._postings.get(term)
            if posting is None or weight == 0:
                continue
            docs, tfs = posting
            yield docs, weight * self.idf(term) * tfs * (self.k1 + 1) / (tfs + self._norm[docs])

    def add_scores(self, query: Mapping[str, float], into: FloatArray) -> npt.NDArray[np.int64]:
        """Add `scores(query)` into `into` (one value a document) where a query term occurs,
        and return those documents (one for each term a document holds, so some repeat),
        touching nothing else: no array as long as the collection. The same sums, term by
        term in the same order, so the same floats."""
        found = []
        for docs, values in self._term_scores(query):
            into[docs] += values
            found.append(docs)
        if not found:
            return np.zeros(0, dtype=np.int64)
        return found[0] if len(found) == 1 else np.concatenate(found)

    def scores_at(self, query: Mapping[str, float], docs: npt.NDArray[np.int64]) -> FloatArray:
        """`scores(query)[docs]` for sorted document numbers `docs`, without scoring the whole
        collection: the same sums, term by term in the same order, so the same floats."""
        out = np.zeros(len(docs), dtype=np.float64)
        for term, weight in query.items():
            posting = self._postings.get(term)
            if posting is None or weight == 0:
                continue
            pdocs, tfs = posting
            where = np.minimum(np.searchsorted(pdocs, docs), len(pdocs) - 1)
            present = pdocs[where] == docs
            tf = np.where(present, tfs[where], 0.0)
            norm = self._norm[docs]
            out += np.where(
                present, weight * self.idf(term) * tf * (self.k1 + 1) / (tf + norm), 0.0
            )
        return out

    def scores_among(
        self, query: Mapping[str, float], among: npt.NDArray[np.bool_]
    ) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """(documents, scores) of the documents in `among` (a mask over all documents) that
        hold a query term, documents in order: `scores(query)` at its nonzero places, read from
        the postings alone (no array as long as the collection). The same sums, term by term
        in the same order, so the same floats."""
        found: list[tuple[npt.NDArray[np.int64], FloatArray]] = []
        for term, weight in query.items():
            posting = self._postings.get(term)
            if posting is None or weight == 0:
                continue
            docs, tfs = posting
            keep = among[docs]
            docs, tfs = docs[keep], tfs[keep]
            if len(docs):
                part = weight * self.idf(term) * tfs * (self.k1 + 1) / (tfs + self._norm[docs])
                found.append((docs, part))
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        union = found[0][0] if len(found) == 1 else np.unique(np.concatenate([d for d, _ in found]))
        out = np.zeros(len(union))
        for docs, part in found:
            out[np.searchsorted(union, docs)] += part
        return union, out

    def containing_all(self, query_terms: Sequence[str]) -> npt.NDArray[np.int64]:
        """Documents that contain every one of these terms (a whole phrase, with its bigrams)."""
        docs: npt.NDArray[np.int64] | None = None
        for term in query_terms:
            posting = self._postings.get(term)
            if posting is None:
                return np.zeros(0, dtype=np.int64)
            docs = (
                posting[0] if docs is None else np.intersect1d(docs, posting[0], assume_unique=True)
            )
        return np.zeros(0, dtype=np.int64) if docs is None else docs
