"""A read remembered for one request: made once, made again after a write, never outside."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from linkwell.core.request_memo import RequestMemoMiddleware, remembered


class Question:
    """A read that counts how often it reached the database."""

    def __init__(self) -> None:
        self.reads = 0

    def read(self) -> str:
        self.reads += 1
        return f"answer {self.reads}"

    def ask(self) -> str:
        return remembered("question", self.read)


def _request(body: Callable[[], str]) -> str:
    response = RequestMemoMiddleware(lambda request: HttpResponse(body()))(HttpRequest())
    return response.content.decode()


def test_a_question_asked_three_times_in_a_request_is_read_once() -> None:
    question = Question()
    assert _request(lambda: " ".join(question.ask() for _ in range(3))) == "answer 1 " * 2 + (
        "answer 1"
    )
    assert question.reads == 1


def test_each_request_reads_afresh_and_outside_a_request_every_time() -> None:
    question = Question()
    assert _request(question.ask) == "answer 1"
    assert _request(question.ask) == "answer 2"
    assert [question.ask(), question.ask()] == ["answer 3", "answer 4"]


def test_a_save_during_the_request_makes_the_next_read_fresh(db: None) -> None:
    from django.contrib.auth.models import Group

    question = Question()

    def body() -> str:
        first = question.ask()
        Group.objects.create(name="Wem Men's Shed")
        return f"{first} / {question.ask()}"

    assert _request(body) == "answer 1 / answer 2"
