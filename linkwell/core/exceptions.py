from __future__ import annotations


class LinkwellError(Exception):
    """Base for errors a user can act on; the message is shown to them as it is."""


class ValidationFailed(LinkwellError):
    def __init__(self, errors: dict[str, list[str]] | str) -> None:
        if isinstance(errors, str):
            errors = {"__all__": [errors]}
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


class ConcurrentEditError(LinkwellError):
    """Someone else saved this record after you opened it."""

    def __init__(self, what: str = "This record") -> None:
        super().__init__(
            f"{what} was changed by someone else after you opened it. "
            "Reload to see their changes, then make yours again."
        )
