"""A realistic, seeded synthetic register (`linkwell population synth`).

Vectorised NumPy in chunks: each chunk is generated from its own seeded generator and written as
one Parquet row group (or appended to the CSV), so ten million patients never sit in memory at
once. The same seed and chunk size give the same file.

Realism, roughly (figures are rounded; none of this is anybody's data):
- age and sex from England's population pyramid (ONS mid-year estimates, 5-year bands), with
  women a growing majority from the 70s;
- practices of varied size, each serving a mix of LSOAs around its own level of deprivation;
- long-term conditions with prevalence rising with age and with deprivation (odds ratios per
  decile), pre-diabetes exclusive of diabetes with HbA1c 42-47;
- the electronic frailty index from age and the number of conditions;
- appointments, A&E and admissions over-dispersed (gamma-Poisson), rising with conditions and
  frailty; more than 12 GP visits a year for a few per cent of adults;
- living alone rising steeply with age; national data opt-out about 4%;
- a label, emergency admission in the next 12 months, from the same risk factors.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from linkwell.population.register import CONDITIONS

CHUNK = 250_000

# England, mid-2022 (ONS), share of the population in 5-year bands 0-4 ... 85-89, 90+.
AGE_BAND_SHARE = np.array(
    [5.4, 5.9, 6.1, 5.8, 6.0, 6.6, 6.9, 6.8, 6.4, 6.2, 6.8, 6.7, 5.9, 5.0, 4.9, 3.8, 2.5, 1.5, 0.9]
)
AGE_BAND_SHARE = AGE_BAND_SHARE / AGE_BAND_SHARE.sum()
# Share of women by the same bands.
FEMALE_SHARE = np.array(
    [
        *(0.49, 0.49, 0.49, 0.49, 0.49, 0.5, 0.5, 0.51, 0.51, 0.51),
        *(0.51, 0.51, 0.51, 0.52, 0.52, 0.54, 0.56, 0.6, 0.68),
    ]
)

# condition: (log-odds at age 50 in the middle decile, per 10 years of age, per decile more
# deprived, minimum age)
CONDITION_MODEL: dict[str, tuple[float, float, float, int]] = {
    "diabetes": (-2.6, 0.45, 0.07, 18),
    "prediabetes": (-2.2, 0.3, 0.04, 18),
    "hypertension": (-1.6, 0.65, 0.04, 18),
    "copd": (-4.3, 0.6, 0.12, 35),
    "asthma": (-2.7, -0.02, 0.04, 3),
    "chd": (-4.0, 0.7, 0.07, 30),
    "heart_failure": (-5.8, 0.85, 0.07, 40),
    "dementia": (-7.0, 1.3, 0.03, 50),
    "depression": (-1.8, -0.05, 0.06, 12),
    "anxiety": (-2.2, -0.1, 0.05, 12),
    "smi": (-4.6, -0.05, 0.1, 16),
    "arthritis_msk": (-1.7, 0.5, 0.04, 18),
}
assert set(CONDITION_MODEL) == {name for name, _ in CONDITIONS}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def _gamma_poisson(rng: np.random.Generator, mean: np.ndarray, shape: float) -> np.ndarray:
    rate = rng.gamma(shape, mean / shape)
    return rng.poisson(rate).astype(np.int64)


def _practices(rng: np.random.Generator, k: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    weights = rng.lognormal(0.0, 0.45, size=k)
    weights /= weights.sum()
    deprivation = rng.uniform(1.5, 9.5, size=k)  # each practice's typical IMD decile
    codes = [f"Z{index + 1:05d}" for index in range(k)]  # Z: never a real ODS code prefix here
    return weights, deprivation, codes


def _pseudo_ids(start: int, count: int, seed: int) -> np.ndarray:
    """Unique 16-hex ids: an odd multiplier is a bijection on 64-bit integers."""
    index = np.arange(start, start + count, dtype=np.uint64)
    mixed = index * np.uint64(0x9E3779B97F4A7C15) + np.uint64((seed * 0x632BE59BD9B4E019) % 2**64)
    mixed ^= mixed >> np.uint64(29)
    hexed = mixed.astype(">u8").tobytes().hex().encode()
    return np.frombuffer(hexed, dtype="S16").astype(str)


def generate_chunk(
    rng: np.random.Generator,
    *,
    start: int,
    count: int,
    seed: int,
    practice_weights: np.ndarray,
    practice_deprivation: np.ndarray,
    practice_codes: list[str],
) -> pa.Table:
    n = count
    band = rng.choice(len(AGE_BAND_SHARE), size=n, p=AGE_BAND_SHARE)
    age = band * 5 + rng.integers(0, 5, size=n)
    top = band == len(AGE_BAND_SHARE) - 1
    age[top] = 90 + np.minimum(rng.geometric(0.25, size=int(top.sum())) - 1, 15)
    female = rng.random(n) < FEMALE_SHARE[band]
    sex = np.where(female, "F", "M").astype(object)
    sex[rng.random(n) < 0.0005] = "U"

    practice = rng.choice(len(practice_weights), size=n, p=practice_weights)
    lsoa_slot = rng.integers(0, 24, size=n)
    lsoa_number = 12000 + practice * 24 + lsoa_slot
    # An LSOA's decile: its practice's typical decile, shifted by a fixed offset per LSOA.
    offset = ((lsoa_number * 2654435761) % 7).astype(np.int64) - 3
    imd = np.clip(np.rint(practice_deprivation[practice]).astype(np.int64) + offset, 1, 10)
    deprived = 5.5 - imd  # positive = more deprived than the middle

    age10 = (age - 50) / 10.0
    flags: dict[str, np.ndarray] = {}
    for name, (base, per_decade, per_decile, min_age) in CONDITION_MODEL.items():
        logit = base + per_decade * age10 + per_decile * deprived
        if name in ("dementia",):
            logit = base + per_decade * np.maximum(age10, -2) + per_decile * deprived
        flags[name] = (rng.random(n) < _sigmoid(logit)) & (age >= min_age)
    flags["prediabetes"] &= ~flags["diabetes"]
    # Depression and anxiety travel together.
    flags["anxiety"] |= flags["depression"] & (rng.random(n) < 0.25)

    hba1c = np.full(n, np.nan)
    measured = (age >= 18) & (rng.random(n) < np.clip(0.25 + 0.01 * (age - 18), 0, 0.9))
    measured |= flags["diabetes"] | flags["prediabetes"]
    normal = rng.normal(36.0, 3.0, size=n).clip(20, 41)
    # Whole mmol/mol from 42 to 47 (floored, not rounded: 47.6 must not become 48, which is the
    # diabetes threshold). The same draws as before, so other columns are unchanged.
    pre = np.floor(rng.uniform(42, 47.999, size=n))
    diab = rng.normal(58, 12, size=n).clip(48, 140)
    values = np.where(flags["diabetes"], diab, np.where(flags["prediabetes"], pre, normal))
    hba1c[measured] = np.round(values[measured])

    ltc = sum(flags[name].astype(np.int64) for name in CONDITION_MODEL if name != "prediabetes")
    deficits = (
        ltc * 1.8
        + np.maximum(age - 60, 0) * 0.08
        + rng.gamma(1.5, 1.0, size=n)
        + flags["dementia"] * 3
        + flags["heart_failure"] * 2
    )
    efi_score = deficits / 36.0
    efi = np.select(
        [efi_score <= 0.12, efi_score <= 0.24, efi_score <= 0.36],
        ["fit", "mild", "moderate"],
        "severe",
    ).astype(object)
    efi[age < 50] = "fit"
    frailty = np.select([efi == "mild", efi == "moderate", efi == "severe"], [1, 2, 3], 0)

    mental = flags["depression"] | flags["anxiety"] | flags["smi"]
    child = age < 16
    gp_mean = (
        (1.1 + 0.03 * np.maximum(age - 20, 0))
        * (1 + 0.35 * ltc)
        * (1 + 0.3 * frailty)
        * (1 + 0.6 * mental)
        * np.where(female & (age >= 16) & (age < 50), 1.3, 1.0)
        * (1 + 0.03 * deprived)
    )
    gp = _gamma_poisson(rng, gp_mean, 1.6)
    nurse = _gamma_poisson(rng, 0.6 + 0.8 * ltc + 0.3 * frailty, 1.5)
    ae_mean = (0.22 + 0.05 * ltc + 0.12 * frailty + 0.1 * mental) * (1 + 0.06 * deprived)
    ae = _gamma_poisson(rng, ae_mean, 0.6)
    admit_mean = (0.02 + 0.02 * ltc + 0.09 * frailty + 0.12 * flags["heart_failure"]) * (
        1 + 0.05 * deprived
    )
    admissions = _gamma_poisson(rng, admit_mean + 0.15 * ae, 0.7)
    repeats = _gamma_poisson(rng, 0.2 + 0.9 * ltc + 0.04 * np.maximum(age - 40, 0), 3.0)

    p_alone = np.select(
        [age < 18, age < 30, age < 65, age < 75, age < 85], [0, 0.08, 0.13, 0.26, 0.38], 0.55
    )
    lives_alone = rng.random(n) < p_alone
    carer_p = np.select([age < 16, age < 45, age < 65, age < 80], [0.01, 0.06, 0.12, 0.08], 0.05)
    carer = rng.random(n) < carer_p
    housebound = rng.random(n) < np.select(
        [frailty == 3, frailty == 2, frailty == 1], [0.3, 0.1, 0.02], 0.002
    )
    bereaved = rng.random(n) < np.where(age >= 75, 0.06, np.where(age >= 50, 0.025, 0.01))
    opt_out = rng.random(n) < 0.04
    known = rng.random(n) < (0.006 + 0.01 * lives_alone + 0.008 * mental + 0.004 * (ltc >= 2))

    risk = (
        -3.6
        + 0.45 * np.maximum(age10, -3)
        + 0.45 * np.minimum(admissions, 4)
        + 0.2 * np.minimum(ae, 5)
        + 0.45 * frailty
        + 0.6 * flags["heart_failure"]
        + 0.5 * flags["copd"]
        + 0.35 * flags["dementia"]
        + 0.12 * ltc
        + 0.04 * deprived
        + 0.2 * housebound
        + 0.1 * lives_alone * (age >= 65)
    )
    label = rng.random(n) < _sigmoid(risk)

    lsoa = np.char.add("E01", np.char.zfill(lsoa_number.astype(str), 6))
    gp = np.where(child, np.minimum(gp, 30), gp)
    columns: dict[str, Any] = {
        "pseudo_id": pa.array(_pseudo_ids(start, n, seed), pa.string()),
        "practice": pa.array(np.asarray(practice_codes, dtype=object)[practice], pa.string()),
        "age": pa.array(age.astype(np.int64)),
        "sex": pa.array(sex, pa.string()),
        "lsoa": pa.array(lsoa, pa.string()),
        "imd_decile": pa.array(imd.astype(np.int64)),
    }
    for name, _ in CONDITIONS:
        columns[name] = pa.array(flags[name])
    columns |= {
        "hba1c_mmol_mol": pa.array(hba1c, pa.float64(), from_pandas=True),
        "efi_category": pa.array(efi, pa.string()),
        "gp_appointments_12m": pa.array(np.minimum(gp, 200)),
        "nurse_appointments_12m": pa.array(np.minimum(nurse, 200)),
        "ae_attendances_12m": pa.array(np.minimum(ae, 100)),
        "emergency_admissions_12m": pa.array(np.minimum(admissions, 50)),
        "repeat_medicines": pa.array(np.minimum(repeats, 40)),
        "lives_alone": pa.array(lives_alone),
        "carer": pa.array(carer),
        "housebound": pa.array(housebound),
        "recent_bereavement": pa.array(bereaved),
        "national_data_opt_out": pa.array(opt_out),
        "known_to_social_prescribing": pa.array(known),
        "emergency_admission_next_12m": pa.array(label),
    }
    return pa.table(columns)


def chunks(
    patients: int, *, seed: int = 2026, practices: int | None = None, chunk: int = CHUNK
) -> Iterator[pa.Table]:
    k = practices or max(1, min(5000, round(patients / 8000)))
    setup = np.random.default_rng([seed, 0])
    weights, deprivation, codes = _practices(setup, k)
    for number, start in enumerate(range(0, patients, chunk)):
        rng = np.random.default_rng([seed, number + 1])
        yield generate_chunk(
            rng,
            start=start,
            count=min(chunk, patients - start),
            seed=seed,
            practice_weights=weights,
            practice_deprivation=deprivation,
            practice_codes=codes,
        )


def write_register(
    out: str | Path,
    *,
    patients: int,
    seed: int = 2026,
    fmt: Literal["parquet", "csv"] = "parquet",
    practices: int | None = None,
    chunk: int = CHUNK,
    progress: Any = None,
) -> Path:
    """Write `patients` synthetic rows to `out/register.<fmt>`; return the file's path."""
    if patients < 1:
        raise ValueError("--patients must be at least 1")
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"register.{fmt}"
    writer: Any = None
    try:
        for table in chunks(patients, seed=seed, practices=practices, chunk=chunk):
            if writer is None:
                if fmt == "parquet":
                    writer = pq.ParquetWriter(path, table.schema, compression="zstd")
                else:
                    writer = pacsv.CSVWriter(path, table.schema)
            writer.write_table(table)
            if progress is not None:
                progress.update(table.num_rows)
    finally:
        if writer is not None:
            writer.close()
    (directory / "SYNTHETIC.json").write_text(
        json.dumps(
            {
                "synthetic": True,
                "generator": "linkwell population synth",
                "patients": patients,
                "seed": seed,
                "chunk": chunk,
                "practices": practices,
                "note": "Generated data: no real person is described.",
            },
            indent=2,
        )
        + "\n"
    )
    return path
