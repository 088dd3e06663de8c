"""Progress on long commands: on a terminal only, never on standard output, off when asked."""

from __future__ import annotations

import io

from django.core.management.base import OutputWrapper

from linkwell.core.progress import progress, step


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_the_bar_and_the_steps() -> None:
    stream = Terminal()
    step("Indexing 3 services...", options={}, stream=stream)
    assert list(progress(range(3), desc="Ranking", unit="people", options={}, stream=stream)) == [
        0,
        1,
        2,
    ]
    shown = stream.getvalue()
    assert "Indexing 3 services..." in shown and "Ranking" in shown and "/3 " in shown


def test_a_file_or_pipe_and_no_progress_see_nothing() -> None:
    piped = io.StringIO()
    assert list(progress(range(3), desc="Ranking", unit="people", options={}, stream=piped)) == [
        0,
        1,
        2,
    ]
    step("Indexing...", options={}, stream=piped)
    quiet = Terminal()
    list(progress(range(3), desc="R", unit="p", options={"no_progress": True}, stream=quiet))
    step("Indexing...", options={"no_progress": True}, stream=quiet)
    assert piped.getvalue() == "" and quiet.getvalue() == ""


def test_a_commands_error_stream_redraws_the_bar_in_place_uncoloured() -> None:
    # A command passes `self.stderr`, Django's wrapper, which ends each write with a newline
    # and colours it as an error: the bar must reach the terminal as tqdm draws it.
    terminal = Terminal()
    stderr = OutputWrapper(terminal)
    stderr.style_func = lambda text: f"<red>{text}</red>"
    list(progress(range(50), desc="Importing", unit="records", options={}, stream=stderr))
    step("Wrote 12 rows.", options={}, stream=stderr)
    shown = terminal.getvalue()
    assert "Importing" in shown and "<red>" not in shown
    assert shown.count("\n") == 1 and shown.endswith("Wrote 12 rows.\n")
