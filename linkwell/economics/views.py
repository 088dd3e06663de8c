"""The commissioner's economic models page: thin views over definitions, engine and selectors.

Access (README.md): commissioners, team managers and administrators; anyone else signed in gets
403, anonymous visitors the sign-in page, an unknown model id 404. Nothing is written, so
read-only members may use it too. Inputs travel in the query string (GET): results can be
bookmarked and shared, and there is no state to protect with CSRF.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from linkwell.analysis.disclosure import can_see_unsuppressed, record_unsuppressed_access
from linkwell.economics.definitions import ModelDefinition, load_models
from linkwell.economics.engine import (
    ModelInputError,
    ModelRun,
    UnknownModelError,
    get_model,
    plain_number,
    run_model,
)
from linkwell.economics.forms import ModelInputsForm
from linkwell.economics.selectors import (
    DataFigure,
    data_values,
    model_data,
    user_can_use_economics,
)


def _require_access(request: HttpRequest) -> None:
    if not user_can_use_economics(user=request.user):
        raise PermissionDenied(
            "Economic models are for commissioners, team managers and administrators."
        )


def _get_model(model_id: str) -> ModelDefinition:
    """The one access helper for a model definition (they are not secret: 404 if unknown)."""
    try:
        return get_model(model_id)
    except UnknownModelError:
        raise Http404("No such economic model") from None


def display(value: Decimal, unit: str) -> str:
    """568000 '£ per year' -> '£568,000'; 492.5 '£' -> '£492.50'; 0.5 'fraction' -> '0.5'."""
    if unit.startswith("£") and not unit.startswith("£ per £"):
        whole = value == value.to_integral_value()
        return f"£{value:,.0f}" if whole else f"£{value:,.2f}"
    number = plain_number(value)
    if isinstance(number, int):
        return f"{number:,}"
    return f"{value.quantize(Decimal('0.0001')).normalize():,f}"


@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    _require_access(request)
    return render(request, "economics/index.html", {"models": list(load_models().values())})


@login_required
def model_detail(request: HttpRequest, model_id: str) -> HttpResponse:
    _require_access(request)
    model = _get_model(model_id)
    figures: dict[str, DataFigure] = {}
    if any(item.data for item in model.inputs):
        unsuppressed = can_see_unsuppressed(request.user)
        figures = model_data(user=request.user, unsuppressed=unsuppressed)
        if unsuppressed:
            record_unsuppressed_access(
                user=request.user,
                what=f"economic model {model.id}",
                detail={"figures": {k: f.value for k, f in figures.items()}},
            )
    data = data_values(figures)
    start = run_model(model, data=data)
    submitted = any(item.name in request.GET for item in model.inputs)
    # Inputs left out of the query string keep their defaults, so links like
    # ?reduction_pct=20 work; an input sent empty is an error.
    bound = (
        {
            i.name: request.GET.get(i.name, str(plain_number(start.inputs[i.name])))
            for i in model.inputs
        }
        if submitted
        else None
    )
    form = ModelInputsForm(bound, model=model, start=start.inputs)
    run: ModelRun | None = start
    status = 200
    if submitted:
        run = None
        valid = form.is_valid()
        # Check every filled-in input with the engine too, so all problems show at once.
        filled = {k: v for k, v in (bound or {}).items() if k not in form.errors}
        try:
            result = run_model(model, values=filled, data=data)
            run = result if valid else None
        except ModelInputError as exc:
            for name, message in exc.errors.items():
                if name not in form.errors:
                    form.add_error(name or None, message)
        if run is None:
            status = 400
    context: dict[str, Any] = {
        "model": model,
        "form": form,
        "run": run,
        "outputs": _outputs(model, run) if run else [],
        "inputs": _inputs(model, run, figures),
        "published": _published(model, start),
        "changed": submitted and run is not None,
    }
    return render(request, "economics/model.html", context, status=status)


def _outputs(model: ModelDefinition, run: ModelRun) -> list[dict[str, str]]:
    return [
        {
            "label": o.label,
            "value": display(run.outputs[o.name], o.unit),
            "unit": o.unit,
            "name": o.name,
        }
        for o in model.outputs
    ]


def _inputs(
    model: ModelDefinition, run: ModelRun | None, figures: dict[str, DataFigure]
) -> list[dict[str, str]]:
    rows = []
    for item in model.inputs:
        used = run.inputs[item.name] if run else None
        source = run.input_sources[item.name] if run else ""
        note = ""
        if item.data and item.data in figures:
            figure = figures[item.data]
            note = f"Linkwell's records: {figure.description} ({figure.note})."
        rows.append(
            {
                "name": item.name,
                "label": item.label,
                "default": display(item.default, item.unit),
                "used": display(used, item.unit) if used is not None else "",
                "unit": item.unit,
                "source": item.source,
                "from": {"default": "Default", "linkwell": "Linkwell's records", "set": "You"}.get(
                    source, ""
                ),
                "data_note": note,
            }
        )
    return rows


def _published(model: ModelDefinition, run: ModelRun) -> list[dict[str, Any]]:
    out = []
    for figure in model.published:
        unit = next((o.unit for o in model.outputs if o.name == figure.output), "")
        out.append(
            {
                "text": figure.text,
                "model": display(run.values[figure.output], unit),
                "inconsistent": figure.inconsistent,
            }
        )
    return out
