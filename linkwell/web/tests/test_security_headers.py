from __future__ import annotations

from linkwell.web.middleware import content_security_policy


def test_pages_may_load_nothing_from_outside_linkwell(client, db) -> None:
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "font-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "https:" not in policy


def test_the_configured_map_tiles_are_the_one_outside_origin_allowed(settings) -> None:
    settings.MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    assert "img-src 'self' data: https://*.tiles.example.org" in content_security_policy()
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert "img-src 'self' data: https://tiles.example.org;" in content_security_policy()
    settings.MAP_TILE_URL = ""
    assert "img-src 'self' data:;" in content_security_policy()


def test_the_stylesheet_asks_for_no_web_fonts_from_the_internet() -> None:
    from pathlib import Path

    from django.conf import settings

    scss = Path(settings.BASE_DIR, "linkwell/web/scss/linkwell.scss").read_text()
    assert "$nhsuk-include-font-face: false" in scss
    # Built by `make frontend`, which `make test` runs first.
    css = Path(settings.BASE_DIR, "var/build/linkwell.css").read_text()
    assert "assets.nhs.uk" not in css
    assert "/static/nhsuk/assets/images/" in css
