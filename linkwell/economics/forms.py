"""The input form for one economic model: a text field per input, validated by the engine so the
page and `linkwell economics run` give the same messages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from linkwell.economics.definitions import ModelDefinition
from linkwell.economics.engine import plain_number


class ModelInputsForm(forms.Form):
    def __init__(
        self, *args: Any, model: ModelDefinition, start: dict[str, Decimal], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.model = model
        for item in model.inputs:
            limits = []
            if item.minimum is not None:
                limits.append(f"at least {plain_number(item.minimum)}")
            if item.maximum is not None:
                limits.append(f"at most {plain_number(item.maximum)}")
            hint = f"In {item.unit}" + (f" ({', '.join(limits)})" if limits else "") + "."
            self.fields[item.name] = forms.CharField(
                label=item.label,
                help_text=hint,
                initial=str(plain_number(start[item.name])),
                max_length=40,
                error_messages={"required": f"Enter the {item.label.lower()}"},
                widget=forms.TextInput(
                    attrs={
                        "class": "nhsuk-input nhsuk-input--width-10",
                        "inputmode": "decimal",
                        "spellcheck": "false",
                        "autocomplete": "off",
                    }
                ),
            )
