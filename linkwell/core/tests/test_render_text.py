"""Plain-text templates (e-mail subjects and bodies) are never HTML-escaped."""

from __future__ import annotations

from linkwell.core.notify import render_text


def test_a_plain_text_template_keeps_apostrophes_and_ampersands_as_written() -> None:
    subject = render_text(
        "connections/email/referral_request_subject.txt",
        {"service": {"name": "Men's Shed & <Friends>"}, "reference": "R1"},
    )
    assert subject.strip() == "New referral to Men's Shed & <Friends> (ref R1)"
