"""The per-process Matcher over the running directory, shared by the public questionnaire
("What could help me?", `linkwell.public.help`) and the plan screen's suggestions
(`linkwell.matching.suggestions`).

The Matcher is built once per process (indexing the directory and, the first time, embedding
every service: seconds, not milliseconds) and rebuilt when the directory changes. Its key, read in
two aggregate queries per request: the number of services, the sum of their versions (every edit
raises a service's version, see the directory README), the latest `updated_at` /
`capacity_updated_at`, and the number and latest change of referral connections (open referrals
take places the published capacity does not show yet: `matching.directory`). It is also rebuilt
after `MATCHER_MAX_AGE` seconds, so that freshness and anything the key misses (a taxonomy tag)
catch up. It holds no personal data.

Service vectors are kept in the database (`vectors.DatabaseVectorStore`), so only listings whose
text is new are embedded, once for all workers. Embedding a whole directory (~300 listings) takes
10-80 s of CPU on a busy machine, and nobody should wait for it: when more than `BLOCKING_ENCODE_MAX` listings have no cached vector, the
listings are embedded in a background thread and, meanwhile, requests rank without the semantic
part (lexical, related terms and every other signal still apply). The first request after the
thread finishes builds the full Matcher from the cached vectors.

Callers rank on `private_matcher()`, a copy with its own memory, never on the shared instance.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from typing import Any, Literal

from django import db
from django.db.models import Count, Max, Q, Sum

from linkwell.connections.models import Connection, ConnectionKind, ConnectionStatus
from linkwell.directory.models import Service
from linkwell.matching import engine
from linkwell.matching.directory import service_docs_from_db
from linkwell.matching.embedding import get_encoder
from linkwell.matching.engine import Matcher
from linkwell.matching.vectors import DatabaseVectorStore

MATCHER_MAX_AGE = 10 * 60
# The engine's sentence encoder ("default": the shipped model when installed). Tests that do not
# test semantic matching set None to skip embedding the directory.
MATCHER_ENCODER: Literal["default"] | None = "default"

# More listings than this without a cached vector are embedded in the background (above);
# fewer (an edit, a new listing, a test's small directory) take about a second, inline.
BLOCKING_ENCODE_MAX = 24

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_cached: dict[str, Any] = {}
_warming: dict[str, threading.Thread] = {}


def _directory_key() -> tuple[Any, ...]:
    row = Service.objects.aggregate(
        n=Count("pk"),
        versions=Sum("version"),
        updated=Max("updated_at"),
        capacity=Max("capacity_updated_at"),
    )
    referrals = Connection.objects.filter(kind=ConnectionKind.REFERRAL).aggregate(
        open=Count("pk", filter=Q(status=ConnectionStatus.REQUESTED)), changed=Max("updated_at")
    )
    return (
        row["n"],
        row["versions"],
        row["updated"],
        row["capacity"],
        referrals["open"],
        referrals["changed"],
    )


def _warm(encoder: engine.Encoder, texts: list[str]) -> None:
    try:
        engine.warm_service_vectors(encoder, texts, DatabaseVectorStore())
    except Exception:  # a failed warm-up must not kill the worker; ranking stays lexical
        logger.exception("embedding the directory in the background failed")
    finally:
        db.connection.close()  # this thread's own connection, opened to store the vectors


def warming() -> bool:
    """Whether listings are being embedded in the background right now."""
    thread = _warming.get("thread")
    return thread is not None and thread.is_alive()


def _start_warming(encoder: engine.Encoder, texts: list[str]) -> None:
    if warming():
        return
    thread = threading.Thread(
        target=_warm, args=(encoder, texts), name="linkwell-embed-directory", daemon=True
    )
    _warming["thread"] = thread
    thread.start()


def _build() -> tuple[Matcher, bool]:
    """(Matcher, whether it has the semantic part it should have). Service vectors are kept in
    the process (`engine._service_vectors`, keyed on the text) and in the database
    (`vectors.DatabaseVectorStore`, keyed on the model and the text's hash), so a rebuild after
    an edit, or a new worker, embeds only the services whose text is new."""
    docs = service_docs_from_db()
    encoder = get_encoder() if MATCHER_ENCODER == "default" else None
    if encoder is None:
        return Matcher(docs, encoder=None), True
    store = DatabaseVectorStore()
    missing = engine.missing_service_vectors(encoder, [d.text for d in docs], store)
    if len(missing) > BLOCKING_ENCODE_MAX:
        _start_warming(encoder, missing)
        return Matcher(docs, encoder=None), False
    return Matcher(docs, encoder=encoder, vectors=store), True


def matcher() -> Matcher:
    """The process's Matcher over the running directory, rebuilt when it changed (and once the
    background embedding has finished, if it ranked without it)."""
    key = _directory_key()
    now = time.monotonic()
    with _lock:
        if (
            _cached.get("key") == key
            and now - _cached.get("built", 0.0) < MATCHER_MAX_AGE
            and (_cached.get("complete") or warming())
        ):
            cached: Matcher = _cached["matcher"]
            return cached
        built, complete = _build()
        _cached.update(key=key, built=now, matcher=built, complete=complete)
        return built


def private_copy(shared: Matcher) -> Matcher:
    """A shallow copy of the shared Matcher for one request. The engine remembers the vectors of
    what people said (`Matcher._said_vectors`, to batch a command's many people); a public
    questionnaire (or a case's profile) must not leave its answers in the process for the next request, so each
    request ranks on a copy with its own, empty memory (the indexes are shared, read-only)."""
    mine = copy.copy(shared)
    mine._said_vectors = {}
    return mine


def private_matcher() -> Matcher:
    """The process's Matcher (`matcher()`), copied for one request (`private_copy`)."""
    return private_copy(matcher())


def clear_cache() -> None:
    with _lock:
        _cached.clear()
