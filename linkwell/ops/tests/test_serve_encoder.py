"""`linkwell serve` loads the sentence encoder once, before gunicorn forks its workers, so they
share its memory; a forked worker then ranks with it as the master would have."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import struct
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command

from linkwell.matching import embedding
from linkwell.ops.management.commands import serve

needs_model = pytest.mark.skipif(
    embedding.model_path() is None, reason="the sentence encoder's model package is not installed"
)


@needs_model
def test_serve_loads_the_encoder_before_the_workers_start(monkeypatch, capsys) -> None:
    embedding.get_encoder.cache_clear()
    loaded_when_run: list[bool] = []

    def run(self: Any) -> None:  # gunicorn's master would fork the workers here
        loaded_when_run.append(embedding.get_encoder.cache_info().currsize == 1)

    monkeypatch.setattr(serve.LinkwellApplication, "run", run)
    call_command("serve", "--bind", "127.0.0.1:0", "--workers", "2")
    assert loaded_when_run == [True]
    assert "the sentence encoder is loaded once and shared by them" in capsys.readouterr().out


@needs_model
@pytest.mark.skipif(not hasattr(os, "fork"), reason="gunicorn forks its workers (POSIX)")
def test_a_forked_worker_encodes_with_the_masters_encoder() -> None:
    assert serve.preload_encoder()
    texts = ["I feel lonely since my wife died", "a walking group on Tuesday mornings"]
    before = embedding.get_encoder.cache_info().misses
    expected = embedding.require_encoder().encode(texts)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: no new load, the same vectors
        try:
            encoder = embedding.get_encoder()
            assert encoder is not None
            vectors = encoder.encode(texts)
            same = embedding.get_encoder.cache_info().misses == before and bool(
                np.allclose(vectors, expected, atol=1e-6)
            )
            os.write(write, struct.pack("?", same))
        finally:
            os._exit(0)
    os.close(write)
    try:
        # An encoder that could not run after a fork would hang the worker: wait, not forever.
        ready, _, _ = select.select([read], [], [], 60)
        assert ready, "the forked worker did not finish encoding within a minute"
        assert struct.unpack("?", os.read(read, 1)) == (True,)
    finally:
        os.close(read)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
