"""The ORUK page envelope (ORUK 3.0 OpenAPI `components/schemas/Page`).

`size` is the number of entities on this page (the profile's wording), `total_pages` is 0 when
there are no results, and a page past the end is an empty page (200, `empty: true`), not a 404:
a client walking pages while the directory shrinks should see the end, not an error.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from linkwell.api.oruk.params import PageRequest

M = TypeVar("M", bound=Model)

JSON = dict[str, Any]


def envelope(*, contents: Sequence[JSON], total_items: int, request: PageRequest) -> JSON:
    total_pages = math.ceil(total_items / request.per_page) if total_items else 0
    return {
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": request.page,
        "size": len(contents),
        "first_page": request.page == 1,
        "last_page": request.page >= total_pages,
        "empty": not contents,
        "contents": list(contents),
    }


def paginate_queryset(
    queryset: QuerySet[M],
    request: PageRequest,
    serialise: Callable[[M], JSON],
    *,
    prepare: Callable[[list[M]], None] | None = None,
) -> JSON:
    """One COUNT and one page query (plus the queryset's prefetches and `prepare`, which loads
    whatever the serialiser reads for the whole page at once): constant per page."""
    total_items = queryset.count()
    items: list[M] = []
    if request.offset < total_items:
        items = list(queryset[request.offset : request.offset + request.per_page])
        if prepare is not None:
            prepare(items)
    return envelope(
        contents=[serialise(item) for item in items], total_items=total_items, request=request
    )
