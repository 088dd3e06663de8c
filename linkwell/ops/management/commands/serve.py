"""`linkwell serve`: Linkwell's WSGI app under gunicorn, for production behind a TLS proxy."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from gunicorn.app.base import BaseApplication


class LinkwellApplication(BaseApplication):
    """gunicorn's documented programmatic entry point: settings from `options`, no config file
    and no command line of its own."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        from config.wsgi import application

        return application


def preload_encoder() -> bool:
    """Load matching's sentence encoder here, in gunicorn's master, before the workers are
    forked: they inherit it and share its memory (copy-on-write; the encoder's weights are never
    written) instead of each loading its own copy on its first ranking. Five workers with the
    encoder took ~1.2 GB of memory between them loaded one by one, ~0.35 GB sharing one. The
    encoder runs on one thread and nothing is encoded before the fork, so no thread is
    running to be lost in it. False when the model package is not installed (the start-up checks
    say so)."""
    from linkwell.matching.embedding import get_encoder

    return get_encoder() is not None


class Command(BaseCommand):
    help = (
        "Serve Linkwell with gunicorn (production). Bind address, workers, threads and timeouts "
        "come from LINKWELL_BIND, LINKWELL_WORKERS, LINKWELL_THREADS, LINKWELL_TIMEOUT and "
        "LINKWELL_GRACEFUL_TIMEOUT; the options below override them. Static files are served by "
        "WhiteNoise from `linkwell collectstatic`'s output. Put a TLS-terminating proxy in front."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", help="host:port to listen on (default: LINKWELL_BIND).")
        parser.add_argument("--workers", type=int, help="Worker processes (LINKWELL_WORKERS).")
        parser.add_argument("--threads", type=int, help="Threads per worker (LINKWELL_THREADS).")

    def handle(self, *args: Any, **options: Any) -> None:
        self.check(display_num_errors=False)
        config = {
            "bind": options["bind"] or settings.SERVE_BIND,
            "workers": options["workers"] or settings.SERVE_WORKERS,
            "threads": options["threads"] or settings.SERVE_THREADS,
            "worker_class": "gthread",
            "timeout": settings.SERVE_TIMEOUT,
            "graceful_timeout": settings.SERVE_GRACEFUL_TIMEOUT,
            "accesslog": "-",
            "errorlog": "-",
            "proc_name": "linkwell",
        }
        shared = preload_encoder()
        self.stdout.write(
            f"Serving Linkwell on http://{config['bind']}/ with {config['workers']} worker(s) "
            f"x {config['threads']} thread(s)"
            + ("; the sentence encoder is loaded once and shared by them" if shared else "")
            + ". Stop with Ctrl-C."
        )
        self.stdout.flush()
        LinkwellApplication(config).run()
