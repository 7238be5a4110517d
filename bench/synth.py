"""Synthetic data for the benchmark: scaled data folders and EES-shaped upload files.

Everything made here is clearly synthetic:

* a scaled data folder is written to a folder the caller names (a temporary folder in the
  benchmark), never into ``sample_data/``; it holds the committed sample extracts as they are
  plus synthetic extracts whose manifest entries say ``"illustrative": true`` (and the manifest
  itself says so), so every page shows the app's "Illustrative data" banner;
* synthetic figures only fill years and indicators the sample data does not hold, so every
  published figure of the sample data reads the same at 10x and 100x;
* the EES-shaped CSV has exactly the columns of DfE's ``la_care_leavers_activity`` file (so the
  shipped recipe recognises it) with real council codes and made-up years (2020 and earlier,
  going back as far as the requested number of rows needs).
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cpdata.catalogue.catalogue import load_catalogue
from cpdata.core import config, schema
from cpdata.core.datafolder import DataFolder
from cpdata.store import store
from cpdata.uploads import ees

SYNTHETIC_SOURCE = "Synthetic benchmark data (made up by bench/synth.py; not published statistics)"
LATEST_YEAR = 2025  # the newest year a synthetic figure may have (indicators the sample does not hold)

# DfE's la_care_leavers_activity file, column for column (Explore Education Statistics layout).
EES_ACTIVITY_COLUMNS = [
    *ees.GEOGRAPHY_COLUMNS,
    *("care_leaver_age", "breakdown", "care_leaver_count", "care_leaver_percent"),
]
AGES = ["17 to 18 years", "19 to 21 years"]
EET_PARTS = [
    "Education other than higher education",
    "Higher education i.e. studies beyond A level",
    "In an apprenticeship",
    "In training or employment (excl. apprenticeship)",
]
NEET_PARTS = [
    "Not in education, training or employment, owing to illness or disability",
    "Not in education, training or employment, owing to other reasons",
    "Not in education, training or employment, owing to pregnancy or parenting",
]
BREAKDOWNS = [
    *EET_PARTS,
    "In training or employment",
    *NEET_PARTS,
    "Total",
    "Total in education, employment or training",
    "Total information not known",
    "Total not in education, employment or training",
]  # 12, as DfE publishes them
ROWS_PER_AREA_YEAR = len(AGES) * len(BREAKDOWNS)


class SyntheticDataError(ValueError):
    """Refused: the synthetic data would land somewhere it must not."""


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def guard_target(out_dir: Path) -> Path:
    """Synthetic data never goes into (or over) the committed sample data."""
    out_dir = Path(out_dir).resolve()
    sample = config.SAMPLE_DATA_DIR.resolve()
    if _inside(out_dir, sample) or _inside(sample, out_dir):
        raise SyntheticDataError(f"refusing to write synthetic data into or over {sample}: use a temporary folder")
    return out_dir


def figure_rows(data_dir: Path) -> int:
    manifest = store.read_manifest(DataFolder.of(data_dir))
    return sum(e["rows"] for e in manifest["extracts"] if e["kind"] == "figures" and e["active"])


def _held_years(data_dir: Path) -> dict[str, int]:
    """Earliest year held per indicator in a data folder."""
    manifest = store.read_manifest(DataFolder.of(data_dir))
    first: dict[str, int] = {}
    for _, _, path in store.active_files(manifest, "figures", data_dir):
        t = pq.read_table(path, columns=["indicator_id", "period"]).to_pandas()
        for ind, period in t.groupby("indicator_id")["period"].min().items():
            first[ind] = min(first.get(ind, 10**6), int(period))
    return first


def _values(rng: np.random.Generator, unit: str, indicator_id: str, n_areas: int, n_years: int) -> np.ndarray:
    """Plausible figures: a level per area plus year-to-year noise, shape (years, areas)."""
    if unit == "percent":
        level, spread, noise, lo, hi, dec = 55.0, 15.0, 4.0, 0.0, 100.0, 0
    elif unit == "rate_per_10k":
        level, spread, noise, lo, hi, dec = 70.0, 25.0, 5.0, 0.0, 400.0, 0
    elif unit == "score":
        if "progress8" in indicator_id:
            level, spread, noise, lo, hi, dec = -1.2, 0.3, 0.2, -5.0, 3.0, 2
        else:
            level, spread, noise, lo, hi, dec = 20.0, 3.0, 1.5, 0.0, 90.0, 1
    else:  # count
        level, spread, noise, lo, hi, dec = 120.0, 60.0, 10.0, 0.0, 5000.0, 0
    base = rng.normal(level, spread, size=n_areas)
    vals = base[None, :] + rng.normal(0.0, noise, size=(n_years, n_areas))
    return np.round(np.clip(vals, lo, hi), dec)


def synthetic_figures(data_dir: Path, extra_rows: int, seed: int = 6) -> tuple[pa.Table, dict]:
    """About ``extra_rows`` synthetic figures: every catalogue indicator for every area, for years
    the data folder does not hold (before an indicator's first year held, else up to 2025)."""
    catalogue = load_catalogue(DataFolder.of())
    areas = pq.read_table(data_dir / "reference" / "areas.parquet").to_pandas()
    all_areas = areas["area_code"].tolist()
    councils = areas.loc[areas["level"] == "local_authority", "area_code"].tolist()
    first = _held_years(data_dir)
    per_year = sum(len(all_areas) if ind.published else len(councils) for ind in catalogue.indicators.values())
    n_years = max(1, math.ceil(extra_rows / per_year))
    rng = np.random.default_rng(seed)
    cols: dict[str, list] = {k: [] for k in ("indicator_id", "area_code", "period", "basis", "value", "symbol")}
    for ind in catalogue.indicators.values():
        codes = all_areas if ind.published else councils
        newest = first[ind.id] - 1 if ind.id in first else LATEST_YEAR
        years = np.arange(newest, newest - n_years, -1, dtype=np.int32)
        vals = _values(rng, ind.unit, ind.id, len(codes), n_years)
        suppressed = rng.random(vals.shape) < 0.02  # some 'c' cells: symbols stay symbols
        cols["indicator_id"].append(np.full(vals.size, ind.id, dtype=object))
        cols["area_code"].append(np.tile(np.array(codes, dtype=object), n_years))
        cols["period"].append(np.repeat(years, len(codes)))
        cols["basis"].append(np.full(vals.size, "published" if ind.published else "local", dtype=object))
        cols["value"].append(np.where(suppressed, np.nan, vals).ravel())
        cols["symbol"].append(np.where(suppressed.ravel(), "c", None).astype(object))
    n = sum(len(a) for a in cols["period"])
    table = pa.table(
        {
            "indicator_id": pa.array(np.concatenate(cols["indicator_id"]), pa.string()),
            "area_code": pa.array(np.concatenate(cols["area_code"]), pa.string()),
            "period": pa.array(np.concatenate(cols["period"]), pa.int32()),
            "figure_type": pa.array(np.full(n, "value", dtype=object), pa.string()),
            "basis": pa.array(np.concatenate(cols["basis"]), pa.string()),
            "value": pa.array(np.concatenate(cols["value"]), pa.float64(), from_pandas=True),
            "symbol": pa.array(np.concatenate(cols["symbol"]), pa.string()),
            "numerator": pa.nulls(n, pa.float64()),
            "denominator": pa.nulls(n, pa.float64()),
            "source": pa.array(np.full(n, SYNTHETIC_SOURCE, dtype=object), pa.string()),
            "note": pa.array(np.full(n, "synthetic (benchmark)", dtype=object), pa.string()),
            "extract_id": pa.nulls(n, pa.string()),
        },
        schema=schema.FIGURES,
    )
    info = {"synthetic_rows": n, "years_per_indicator": n_years, "indicators": len(catalogue.indicators)}
    return table, info


def make_scaled_data(out_dir: Path, factor: int, base: Path | None = None, seed: int = 6) -> dict:
    """A data folder with ``factor`` times the figure rows of ``base`` (the committed sample data).

    The base folder is copied as it is; the rest is one synthetic extract marked illustrative.
    Returns what was made (rows, years, the folder).
    """
    base = Path(base or config.SAMPLE_DATA_DIR)
    out_dir = guard_target(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise SyntheticDataError(f"{out_dir} is not empty")
    shutil.copytree(base, out_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".write.lock"))
    base_rows = figure_rows(base)
    result = {"factor": factor, "dir": str(out_dir), "base_rows": base_rows, "synthetic_rows": 0}
    if factor > 1:
        table, info = synthetic_figures(out_dir, (factor - 1) * base_rows, seed)
        extract_id = f"synthetic_{factor}x"
        table = table.set_column(
            table.schema.get_field_index("extract_id"), "extract_id", pa.array([extract_id] * table.num_rows)
        )
        meta = {
            "id": extract_id,
            "illustrative": True,
            "source_file": "(generated by bench/synth.py)",
            "sha256": "",
            "applied_by": "benchmark generator",
            "description": f"SYNTHETIC: made-up figures for the {factor}x benchmark (not published statistics)",
        }
        store.add_extract(DataFolder(out_dir), table, "figures", meta)
        manifest = store.read_manifest(DataFolder(out_dir))
        manifest["illustrative"] = True
        manifest["note"] = "Benchmark data folder: the sample data plus synthetic figures (bench/synth.py)."
        store.write_manifest(DataFolder(out_dir), manifest)
        result.update(info)
    result["total_rows"] = figure_rows(out_dir)
    return result


def copy_sample(out_dir: Path, base: Path | None = None) -> Path:
    """A private copy of the committed sample data (so no run can touch ``sample_data/``)."""
    out_dir = guard_target(out_dir)
    shutil.copytree(Path(base or config.SAMPLE_DATA_DIR), out_dir, ignore=shutil.ignore_patterns(".write.lock"))
    return out_dir


def ees_activity_csv(n_rows: int, areas: pd.DataFrame, newest_year: int = 2020, seed: int = 6) -> bytes:
    """An EES-shaped care leavers' activity CSV of exactly ``n_rows`` rows (UTF-8 with BOM, as DfE's).

    Real council, region and England codes; synthetic years counting back from ``newest_year``
    (2020 and earlier: years DfE's file does not hold). Counts and percentages add up per area.
    """
    las = areas[areas["level"] == "local_authority"]
    regions = areas[areas["level"] == "region"]
    geo = pd.concat(
        [
            pd.DataFrame(
                {
                    "geographic_level": "National",
                    "region_code": [""],
                    "region_name": [""],
                    "old_la_code": [""],
                    "la_name": [""],
                    "new_la_code": [""],
                }
            ),
            pd.DataFrame(
                {
                    "geographic_level": "Regional",
                    "region_code": regions["area_code"].to_numpy(),
                    "region_name": regions["name"].to_numpy(),
                    "old_la_code": "",
                    "la_name": "",
                    "new_la_code": "",
                }
            ),
            pd.DataFrame(
                {
                    "geographic_level": "Local authority",
                    "region_code": las["region_code"].fillna("").to_numpy(),
                    "region_name": las["region_name"].fillna("").to_numpy(),
                    "old_la_code": las["old_code"].fillna("").to_numpy(),
                    "la_name": las["name"].to_numpy(),
                    "new_la_code": las["area_code"].to_numpy(),
                }
            ),
        ],
        ignore_index=True,
    )
    n_geo = len(geo)
    per_year = n_geo * ROWS_PER_AREA_YEAR
    n_years = math.ceil(n_rows / per_year)
    rng = np.random.default_rng(seed)
    years = np.arange(newest_year, newest_year - n_years, -1)
    # One block per (year, area, age): 12 breakdown rows with consistent counts and percentages.
    n_blocks = n_years * n_geo * len(AGES)
    # Each area and age has its own level; years move a little around it (few implausible jumps).
    scale = np.where(geo["geographic_level"].to_numpy() == "Local authority", 1.0, 40.0)
    size = rng.gamma(4.0, 30.0, size=n_geo * len(AGES)) * np.repeat(scale, len(AGES))
    total = np.maximum(5, np.round(np.tile(size, n_years) * rng.uniform(0.9, 1.1, size=n_blocks)))
    level = rng.normal(0.55, 0.08, size=n_geo * len(AGES))
    eet_share = np.clip(np.tile(level, n_years) + rng.normal(0.0, 0.03, size=n_blocks), 0.05, 0.95)
    unknown_share = np.clip(rng.normal(0.08, 0.03, size=n_blocks), 0.0, 0.3)
    eet = np.round(total * eet_share)
    unknown = np.minimum(np.round(total * unknown_share), total - eet)
    neet = total - eet - unknown
    eet_split = rng.dirichlet([4, 1, 1, 3], size=n_blocks)
    neet_split = rng.dirichlet([2, 5, 1], size=n_blocks)
    eet_parts = np.round(eet[:, None] * eet_split)
    eet_parts[:, 3] = eet - eet_parts[:, :3].sum(axis=1)
    eet_parts = np.maximum(eet_parts, 0)
    neet_parts = np.round(neet[:, None] * neet_split)
    neet_parts[:, 2] = np.maximum(neet - neet_parts[:, :2].sum(axis=1), 0)
    counts = np.column_stack(
        [
            eet_parts,
            eet_parts[:, 2] + eet_parts[:, 3],
            neet_parts,
            total,
            eet,
            unknown,
            neet,
        ]
    )  # blocks x 12, in BREAKDOWNS order
    pct = np.round(100 * counts / total[:, None])
    count_txt = counts.astype(np.int64).astype(str).astype(object)
    pct_txt = pct.astype(np.int64).astype(str).astype(object)
    small = counts < 3  # DfE suppresses small numbers: 'c' for the count and the percentage
    count_txt[small] = "c"
    pct_txt[small] = "c"
    block_year = np.repeat(years, n_geo * len(AGES))
    block_geo = np.tile(np.repeat(np.arange(n_geo), len(AGES)), n_years)
    block_age = np.tile(np.arange(len(AGES)), n_years * n_geo)
    rows_geo = geo.iloc[np.repeat(block_geo, len(BREAKDOWNS))].reset_index(drop=True)
    df = pd.DataFrame(
        {
            "time_period": np.repeat(block_year, len(BREAKDOWNS)).astype(str),
            "time_identifier": "Reporting year",
            "geographic_level": rows_geo["geographic_level"],
            "country_code": "E92000001",
            "country_name": "England",
            "region_code": rows_geo["region_code"],
            "region_name": rows_geo["region_name"],
            "old_la_code": rows_geo["old_la_code"],
            "la_name": rows_geo["la_name"],
            "new_la_code": rows_geo["new_la_code"],
            "care_leaver_age": np.array(AGES, dtype=object)[np.repeat(block_age, len(BREAKDOWNS))],
            "breakdown": np.tile(np.array(BREAKDOWNS, dtype=object), n_blocks),
            "care_leaver_count": count_txt.ravel(),
            "care_leaver_percent": pct_txt.ravel(),
        },
        columns=EES_ACTIVITY_COLUMNS,
    )
    df = df.iloc[:n_rows]
    return df.to_csv(index=False).encode("utf-8-sig")


def describe_folder(data_dir: Path) -> dict:
    """What a data folder holds, for the benchmark's report."""
    manifest = json.loads((Path(data_dir) / store.MANIFEST).read_text(encoding="utf-8"))
    return {
        "figure_rows": figure_rows(Path(data_dir)),
        "extracts": len(manifest["extracts"]),
        "illustrative": bool(manifest.get("illustrative"))
        or any(e.get("illustrative") for e in manifest["extracts"] if e.get("active")),
    }
