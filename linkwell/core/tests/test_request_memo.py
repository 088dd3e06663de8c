"""A read remembered for one request: made once, made again after a write, never outside."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from linkwell.core.request_memo import RequestMemoMiddleware, remembered


def _reads_during_a_request(view_body) -> list[str]:
    reads: list[str] = []

    def read() -> str:
        reads.append("read")
        return f"answer {len(reads)}"

    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(view_body(lambda: remembered("question", read)))

    RequestMemoMiddleware(view)(HttpRequest())
    return reads


def test_a_question_asked_twice_in_a_request_is_read_once() -> None:
    answers: list[str] = []
    reads = _reads_during_a_request(lambda ask: answers.extend([ask(), ask(), ask()]) or "")
    assert reads == ["read"]
    assert answers == ["answer 1"] * 3


def test_each_request_reads_afresh_and_outside_a_request_every_time() -> None:
    assert _reads_during_a_request(lambda ask: ask()) == ["read"]
    assert _reads_during_a_request(lambda ask: ask()) == ["read"]
    calls: list[int] = []
    for _ in range(2):
        remembered("question", lambda: calls.append(1))
    assert len(calls) == 2


def test_a_save_during_the_request_makes_the_next_read_fresh(db: None) -> None:
    from linkwell.accounts.models import Organisation

    def body(ask):  # type: ignore[no-untyped-def]
        first = ask()
        Organisation.objects.create(name="Wem Men's Shed")
        return first + " / " + ask()

    reads: list[str] = []

    def read() -> str:
        reads.append("read")
        return f"answer {len(reads)}"

    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(body(lambda: remembered("question", read)))

    response = RequestMemoMiddleware(view)(HttpRequest())
    assert response.content.decode() == "answer 1 / answer 2"
