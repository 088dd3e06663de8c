"""Emergency admission risk: a regularised logistic regression, scored as an Ibis expression.

`fit()` reads a sample of a register that has the label `emergency_admission_next_12m`, builds
the features with the same expression language as the cohorts (so training and scoring cannot
drift apart), fits scikit-learn's `StandardScaler` + L2 `LogisticRegression`, and reports AUC
and calibration by decile on held-out data. The saved model is plain JSON: each feature's
expression, mean, scale and coefficient. `risk_expression()` turns it back into
`1 / (1 + exp(-(intercept + sum(coef * (x - mean) / scale))))` over any Ibis table, so the whole
register is scored by the engine (DuckDB or Spark), never row by row in Python.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from linkwell.population import expr

MODELS_DIR = Path(__file__).resolve().parent / "risk_models"
LABEL = "emergency_admission_next_12m"

# (name, expression, what it means) — the model's inputs, all from the documented register.
FEATURES: tuple[tuple[str, str, str], ...] = (
    ("age_decades", "age / 10", "Age in decades"),
    ("age_over_65", "max(age - 65, 0) / 10", "Decades over 65 (risk climbs faster)"),
    ("female", 'sex == "F"', "Female"),
    ("deprivation", "10 - imd_decile", "Deprivation (0 least, 9 most deprived decile)"),
    ("diabetes", "diabetes", "Diabetes"),
    ("copd", "copd", "COPD"),
    ("asthma", "asthma", "Asthma"),
    ("chd", "chd", "Coronary heart disease"),
    ("heart_failure", "heart_failure", "Heart failure"),
    ("dementia", "dementia", "Dementia"),
    ("depression", "depression", "Depression"),
    ("smi", "smi", "Severe mental illness"),
    ("arthritis_msk", "arthritis_msk", "Arthritis or MSK condition"),
    ("efi_mild", 'efi_category == "mild"', "Mild frailty"),
    ("efi_moderate", 'efi_category == "moderate"', "Moderate frailty"),
    ("efi_severe", 'efi_category == "severe"', "Severe frailty"),
    ("gp_log", "ln(gp_appointments_12m + 1)", "GP appointments (log)"),
    ("ae_log", "ln(ae_attendances_12m + 1)", "A&E attendances (log)"),
    ("admissions_log", "ln(emergency_admissions_12m + 1)", "Emergency admissions (log)"),
    ("medicines_log", "ln(repeat_medicines + 1)", "Repeat medicines (log)"),
    ("lives_alone", "lives_alone", "Lives alone"),
    ("housebound", "housebound", "Housebound"),
)


class ModelError(ValueError):
    pass


@dataclass
class RiskModel:
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.data.get("name", "model"))

    def risk_expression(self, table: ir.Table) -> ir.NumericValue:
        columns = expr.columns_of(table)
        linear: ir.NumericValue = ibis.literal(float(self.data["intercept"]))
        for feature in self.data["features"]:
            value = expr.number(feature["expression"], columns)
            scaled = (value - float(feature["mean"])) / float(feature["scale"])
            linear = linear + scaled * float(feature["coefficient"])
        return 1.0 / (1.0 + (-linear).exp())


def load(name_or_path: str, *, relative_to: Path | None = None) -> RiskModel:
    """A shipped model by name (`emergency_admission`), or a JSON file written by `fit`."""
    candidates = [Path(name_or_path)]
    if relative_to is not None:
        candidates.append(relative_to / name_or_path)
    candidates.append(MODELS_DIR / f"{name_or_path}.json")
    for path in candidates:
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ModelError(f"{path}: not a model file ({exc})") from None
            if not isinstance(data, dict) or not {"intercept", "features"} <= set(data):
                raise ModelError(f"{path}: not a model file (no intercept and features)")
            return RiskModel(data)
    raise ModelError(
        f"model {name_or_path!r} not found (looked in {', '.join(map(str, candidates))})"
    )


def feature_frame(table: ir.Table) -> ir.Table:
    columns = expr.columns_of(table)
    return table.select(
        "pseudo_id",
        *[expr.number(text, columns).name(name) for name, text, _ in FEATURES],
        **{LABEL: table[LABEL]},
    )


@dataclass
class FitResult:
    model: RiskModel
    pipeline: Any
    auc: float
    calibration: list[dict[str, float]]
    train_rows: int
    test_rows: int


def fit(
    table: ir.Table,
    *,
    sample: int = 200_000,
    seed: int = 2026,
    c: float = 1.0,
    synthetic: bool = False,
    source: str = "",
) -> FitResult:
    """Fit on up to `sample` labelled rows of a validated register table."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    # National data opt-outs are not used for fitting either.
    labelled = table.filter(table[LABEL].notnull() & ~table.national_data_opt_out)
    total = int(labelled.count().execute())
    if total < 200:
        raise ModelError(
            f"the register has {total} rows with {LABEL}; fitting needs at least 200 "
            "(only synthetic or historical extracts carry the label)"
        )
    features = feature_frame(labelled)
    if total > sample:
        # Sample in the engine first (a large register never comes into memory whole), then
        # exactly `sample` rows here.
        fraction = min(1.0, sample * 1.2 / total)
        frame = features.sample(fraction, seed=seed).execute()
        frame = frame.sort_values("pseudo_id").sample(n=min(sample, len(frame)), random_state=seed)
    else:
        frame = features.order_by("pseudo_id").execute()
    names = [name for name, _, _ in FEATURES]
    x = frame[names].to_numpy(dtype=float)
    y = frame[LABEL].astype(bool).to_numpy()
    if y.all() or not y.any():
        raise ModelError(f"{LABEL} has only one value in the sample; cannot fit")
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.3, random_state=seed, stratify=y
    )
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=1000))
    pipeline.fit(x_train, y_train)
    predicted = pipeline.predict_proba(x_test)[:, 1]
    auc = float(roc_auc_score(y_test, predicted))
    calibration = calibration_deciles(predicted, y_test)
    scaler, logistic = pipeline[0], pipeline[1]
    data = {
        "name": "emergency_admission",
        "version": 1,
        "label": LABEL,
        "synthetic": synthetic,
        "fitted": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        "source": source,
        "method": f"StandardScaler + LogisticRegression(penalty='l2', C={c}) (scikit-learn)",
        "intercept": float(logistic.intercept_[0]),
        "features": [
            {
                "name": name,
                "expression": text,
                "meaning": meaning,
                "mean": float(scaler.mean_[index]),
                "scale": float(scaler.scale_[index]),
                "coefficient": float(logistic.coef_[0][index]),
            }
            for index, (name, text, meaning) in enumerate(FEATURES)
        ],
        "metrics": {
            "auc": round(auc, 4),
            "train_rows": len(y_train),
            "test_rows": len(y_test),
            "test_event_rate": round(float(y_test.mean()), 4),
            "calibration": calibration,
        },
    }
    return FitResult(
        model=RiskModel(data),
        pipeline=pipeline,
        auc=auc,
        calibration=calibration,
        train_rows=len(y_train),
        test_rows=len(y_test),
    )


def calibration_deciles(predicted: np.ndarray, observed: np.ndarray) -> list[dict[str, float]]:
    frame = pd.DataFrame({"p": predicted, "y": observed.astype(float)})
    frame["decile"] = pd.qcut(frame["p"].rank(method="first"), 10, labels=False) + 1
    grouped = frame.groupby("decile").agg(
        n=("y", "size"), predicted=("p", "mean"), observed=("y", "mean")
    )
    return [
        {
            "decile": int(decile),
            "n": int(row.n),
            "predicted": round(float(row.predicted), 4),
            "observed": round(float(row.observed), 4),
        }
        for decile, row in grouped.iterrows()
    ]


def model_card(result: FitResult) -> str:
    data = result.model.data
    metrics = data["metrics"]
    synthetic = data.get("synthetic")
    lines = [
        "# Model card: emergency admission in the next 12 months",
        "",
        (
            "**Fitted on SYNTHETIC data** (`linkwell population synth`): it demonstrates the "
            "method and the engines; it says nothing about real patients. Refit on your own "
            "historical extract before any real use, and review the result clinically."
            if synthetic
            else "Fitted on a historical register extract (see Source)."
        ),
        "",
        f"- Fitted: {data['fitted']}",
        f"- Source: {data.get('source') or 'not recorded'}",
        f"- Method: {data['method']}",
        f"- Label: `{data['label']}` (an emergency admission in the 12 months after the extract)",
        f"- Training rows: {metrics['train_rows']:,}; held-out rows: {metrics['test_rows']:,} "
        f"(event rate {metrics['test_event_rate']:.1%})",
        f"- Discrimination on held-out data: AUC {metrics['auc']:.3f}",
        "",
        "## Intended use",
        "",
        "Ranking a practice or system register to find people at high risk of an unplanned "
        "admission, to offer proactive social prescribing or health coaching (the cohort "
        "`top-1pc-emergency-admission-risk`). Not for diagnosis, not for withholding care. People "
        "with a national data opt-out are never scored nor used for fitting.",
        "",
        "## Calibration (held-out data, deciles of predicted risk)",
        "",
        "| Decile | People | Mean predicted | Observed |",
        "|---:|---:|---:|---:|",
    ]
    for row in metrics["calibration"]:
        lines.append(
            f"| {row['decile']} | {row['n']:,} | {row['predicted']:.3f} | {row['observed']:.3f} |"
        )
    lines += [
        "",
        "## Inputs and coefficients (per standard deviation)",
        "",
        "| Feature | Expression | Coefficient |",
        "|---|---|---:|",
    ]
    for feature in data["features"]:
        lines.append(
            f"| {feature['meaning']} | `{feature['expression']}` | {feature['coefficient']:+.3f} |"
        )
    lines += [
        "",
        "## Limits",
        "",
        "- Logistic regression on register fields only: no hospital diagnoses, test results or "
        "social care data.",
        "- Deprivation and other social factors can carry historical inequalities in access; "
        "check the cohort's make-up (the run's summary by IMD quintile) before inviting.",
        "",
    ]
    return "\n".join(lines)


def write(result: FitResult, out: str | Path) -> tuple[Path, Path]:
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result.model.data, indent=2) + "\n", encoding="utf-8")
    card = path.with_suffix(".md")
    card.write_text(model_card(result), encoding="utf-8")
    return path, card
