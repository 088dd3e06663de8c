"""Suggesting offers for a request, with reasons, using Linkwell's one text analysis
(linkwell/text: Snowball stems, the curated related terms, BM25), as the matching engine does.

Each open offer of the time bank (not the requester's own) is a document; the request's terms
are the query, with the phrases of the related-terms groups it touches added at half weight
("forms" finds "paperwork", "lonely" finds "befriending"). An offer in the request's category
scores a little more. Reasons say which of the requester's words matched which of the offer's,
directly or through a related term."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from linkwell.text import analysis as text
from linkwell.timebank.models import Category, Listing, ListingKind

RELATED_WEIGHT = 0.5
SAME_CATEGORY_BONUS = 0.5


@dataclass(frozen=True)
class Suggestion:
    offer: Listing
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class Candidate:
    """An open offer with its index terms, worked out once however many requests it is
    ranked against."""

    offer: Listing
    terms: list[str]


def candidate_offers(organisation_id: int) -> list[Candidate]:
    """Every open offer of a time bank, with its terms. One query."""
    offers = Listing.objects.filter(
        member__organisation_id=organisation_id, kind=ListingKind.OFFER, is_open=True
    ).select_related("member")
    return [Candidate(offer=o, terms=text.terms(o.text)) for o in offers.order_by("id")]


def suggest_offers(request: Listing, *, limit: int = 5) -> list[Suggestion]:
    """Offers for `request`, best first, with reasons; only offers that share a word or a
    related term (a score above zero). One query."""
    return rank_offers(request, candidate_offers(request.member.organisation_id), limit=limit)


def rank_offers(
    request: Listing, candidates: Sequence[Candidate], *, limit: int = 5
) -> list[Suggestion]:
    """`suggest_offers` over offers already read (the broker's page reads them once for all its
    requests): the requester's own offers are left out, then ranked. No queries."""
    mine = [c for c in candidates if c.offer.member_id != request.member_id]
    if not mine:
        return []
    offers = [c.offer for c in mine]
    documents = [c.terms for c in mine]
    index = text.BM25(documents)
    own = text.terms(request.text)
    query: dict[str, float] = {t: 1.0 for t in own}
    related: dict[str, tuple[str, str]] = {}  # term -> (their words, the related phrase)
    for expansion in text.expand(request.text):
        for phrase in expansion.phrases:
            for term in phrase.terms:
                if term not in query:
                    query[term] = RELATED_WEIGHT
                    related[term] = (expansion.trigger, phrase.text)
    scores = index.scores(query)
    out: list[Suggestion] = []
    for i, offer in enumerate(offers):
        score = float(scores[i])
        if score <= 0:
            continue
        reasons: list[str] = []
        offer_words = set(documents[i])
        direct = [t for t in own if t in offer_words and " " not in t]
        if direct:
            said = [w for w in text.words(request.text) if text.stem(w) in set(direct)]
            reasons.append(f"Both mention {', '.join(dict.fromkeys(said)) or ', '.join(direct)}")
        seen: set[str] = set()
        for term, (trigger, related_text) in related.items():
            if term in offer_words and related_text not in seen:
                seen.add(related_text)
                reasons.append(f"“{trigger}” is related to “{related_text}”")
        if offer.category == request.category and request.category != Category.OTHER:
            score += SAME_CATEGORY_BONUS
            reasons.append(f"Same kind of help: {offer.get_category_display()}")
        out.append(Suggestion(offer=offer, score=round(score, 3), reasons=reasons))
    out.sort(key=lambda s: (-s.score, s.offer.pk))
    return out[:limit]
