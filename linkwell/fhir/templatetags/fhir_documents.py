"""The message back letter page, made from the FHIR document's sections (documents.py), which
casework (below fhir) cannot build itself.

- `{% message_back_sections letter as document %}`: the letter's `MessageBackView`: its title,
  SNOMED CT codes and coded sections in document order, the same the FHIR document and the PDF
  are made from.
"""

from __future__ import annotations

from typing import Any

from django import template

from linkwell.fhir.documents import MessageBackView, message_back_view

register = template.Library()


@register.simple_tag
def message_back_sections(letter: Any) -> MessageBackView:
    return message_back_view(letter)
