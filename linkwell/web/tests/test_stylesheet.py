"""The compiled stylesheet (linkwell/web/scss/linkwell.scss, built by `make frontend`)."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders


def compiled_css() -> str:
    path = finders.find("build/linkwell.css")
    assert path, "var/build/linkwell.css is missing: run `make frontend`"
    with open(str(path), encoding="utf-8") as css:
        return css.read()


def test_every_page_is_set_in_the_nhs_font_stack_not_the_browser_serif() -> None:
    rules = re.findall(r"(?:^|})\s*html\s*\{([^}]*)\}", compiled_css())
    families = [m.group(1) for rule in rules if (m := re.search(r"font-family:([^;]+)", rule))]
    assert families, "no font-family on the html element: pages render in the default serif"
    stack = [name.strip().strip('"').lower() for name in families[-1].split(",")]
    assert stack == ["frutiger w01", "arial", "sans-serif"]
