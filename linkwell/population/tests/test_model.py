"""The risk model: Ibis scoring equals scikit-learn's predict_proba; the card says what it is."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from linkwell.population import engines, model, register


def test_scoring_in_ibis_equals_predict_proba(tmp_path: Path, small_register: Path) -> None:
    con = engines.connect("duckdb")
    reg = register.open_register(con, small_register)
    result = model.fit(reg.table, sample=2500, seed=1, synthetic=True)
    assert 0.5 < result.auc <= 1.0
    assert [row["decile"] for row in result.calibration] == list(range(1, 11))

    frame = model.feature_frame(reg.table).order_by("pseudo_id").execute()
    names = [name for name, _, _ in model.FEATURES]
    expected = result.pipeline.predict_proba(frame[names].to_numpy(dtype=float))[:, 1]
    scored = (
        reg.table.select("pseudo_id", risk=result.model.risk_expression(reg.table))
        .order_by("pseudo_id")
        .execute()
    )
    assert scored["pseudo_id"].tolist() == frame["pseudo_id"].tolist()
    np.testing.assert_allclose(scored["risk"].to_numpy(), expected, rtol=1e-9, atol=1e-12)

    path, card = model.write(result, tmp_path / "model.json")
    reloaded = model.load(str(path))
    again = reg.table.select(risk=reloaded.risk_expression(reg.table)).execute()["risk"]
    assert np.allclose(np.sort(again.to_numpy()), np.sort(expected))
    text = card.read_text()
    assert "Fitted on SYNTHETIC data" in text and "AUC" in text and "| Decile |" in text


def test_the_shipped_model_is_labelled_synthetic() -> None:
    shipped = model.load("emergency_admission")
    assert shipped.data["synthetic"] is True
    card = (model.MODELS_DIR / "emergency_admission.md").read_text()
    assert "Fitted on SYNTHETIC data" in card


def test_fitting_needs_the_label(tmp_path: Path, small_register: Path) -> None:
    import pandas as pd
    import pytest

    frame = pd.read_parquet(small_register / "register.parquet").drop(
        columns=["emergency_admission_next_12m"]
    )
    frame.to_parquet(tmp_path / "register.parquet")
    reg = register.open_register(engines.connect("duckdb"), tmp_path)
    with pytest.raises(model.ModelError, match="fitting needs at least 200"):
        model.fit(reg.table)
