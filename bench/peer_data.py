"""Published-style CSVs for the naive peer, written from a data folder (the committed sample data).

The peer (``bench/naive_peer.py``) reads files shaped the way DfE publishes them, as a typical
Streamlit app would: one Explore Education Statistics CSV per DfE file (geography columns, the
recipe's filter columns, its value/numerator columns), the statistical-neighbour models as wide
tables keyed by old council codes (as DfE publishes them), the area list, and the Bright Spots
results. The CSVs are rebuilt from the parquet extracts by inverting the shipped recipes, so they
hold only the rows our recipes use (DfE's own files hold more breakdowns): the peer reads less
than it would in real life, which makes the comparison conservative (in the peer's favour).

Nothing here reads ``/work/shared``: the source is the data folder given (a copy of ``sample_data``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from cpdata.core.datafolder import DataFolder
from cpdata.store import store
from cpdata.uploads import ees

GEO = ees.GEOGRAPHY_COLUMNS
AREAS_FILE = "areas.csv"
BRIGHT_SPOTS_FILE = "bright_spots.csv"


def sn_file(model: str) -> str:
    return f"sn_model_{model}.csv"


def _cell(value: float | None, symbol: str | None) -> str:
    if value is not None and not pd.isna(value):
        return f"{value:g}" if float(value) != int(value) else str(int(value))
    return symbol or ""


def _geography(areas: pd.DataFrame) -> pd.DataFrame:
    """Per area code, the EES geography columns DfE would print."""
    rows = []
    for a in areas.itertuples(index=False):
        base = {"country_code": "E92000001", "country_name": "England"}
        if a.level == "national":
            rows.append({**base, "area_code": a.area_code, "geographic_level": "National"})
        elif a.level == "region":
            rows.append(
                {**base, "area_code": a.area_code, "geographic_level": "Regional", "region_code": a.area_code}
                | {"region_name": a.name}
            )
        else:
            rows.append(
                {
                    **base,
                    "area_code": a.area_code,
                    "geographic_level": "Local authority",
                    "region_code": a.region_code or "",
                    "region_name": a.region_name or "",
                    "old_la_code": a.old_code or "",
                    "la_name": a.name,
                    "new_la_code": a.area_code,
                }
            )
    return pd.DataFrame(rows).fillna("")


def write_published_csvs(data_dir: Path, out_dir: Path) -> dict[str, int]:
    """Write the peer's CSVs into ``out_dir``; returns rows per file."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = store.read_manifest(DataFolder.of(data_dir))
    areas = pq.read_table(data_dir / "reference" / "areas.parquet").to_pandas()
    geo = _geography(areas)
    counts: dict[str, int] = {}
    by_extract = {e["id"]: data_dir / e["file"] for e in manifest["extracts"] if e["active"] and e["kind"] == "figures"}
    for recipe in ees.load_recipes(DataFolder.of()):
        extract = f"dfe_{Path(recipe.file).stem}"
        if extract not in by_extract:
            continue
        figs = pq.read_table(by_extract[extract]).to_pandas()
        figs = figs[(figs["figure_type"] == "value") & (figs["basis"] == "published")]
        filter_cols = sorted({c for ind in recipe.indicators for c in ind.filters})
        parts = []
        for ind in recipe.indicators:
            f = figs[figs["indicator_id"] == ind.id]
            if f.empty:
                continue
            part = pd.DataFrame({"area_code": f["area_code"].to_numpy(), "time_period": f["period"].astype(str)})
            for col in filter_cols:
                part[col] = ind.filters.get(col, "")
            part[ind.value] = [_cell(v, s) for v, s in zip(f["value"], f["symbol"], strict=True)]
            if ind.numerator:
                part[ind.numerator] = [_cell(v, None) for v in f["numerator"]]
            parts.append(part)
        if not parts:
            continue
        key = ["area_code", "time_period", *filter_cols]
        # Indicators published on the same row (same filters) share it, as in DfE's files.
        long = pd.concat(parts, ignore_index=True).fillna("")
        table = long.groupby(key, sort=False, as_index=False).agg(lambda s: next((x for x in s if x), ""))
        if recipe.version_column:
            table[recipe.version_column] = recipe.version_preference[0] if recipe.version_preference else "Final"
        table["time_identifier"] = "Reporting year"
        table = table.merge(geo, on="area_code", how="inner").drop(columns="area_code")
        for col in GEO:
            if col not in table:
                table[col] = ""
        cols = GEO + [c for c in table.columns if c not in GEO]
        table = table[cols].fillna("").sort_values(["time_period", "geographic_level"], ascending=[False, True])
        table.to_csv(out_dir / recipe.file, index=False, encoding="utf-8-sig")
        counts[recipe.file] = len(table)
    # Statistical neighbours, wide and by old code, one file per model (DfE's layout).
    sn = pq.read_table(data_dir / "reference" / "sn_models.parquet").to_pandas()
    old = dict(zip(areas["area_code"], areas["old_code"], strict=True))
    names = dict(zip(areas["area_code"], areas["name"], strict=True))
    for model, part in sn.groupby("model"):
        wide = part.pivot(index="area_code", columns="rank", values="neighbour_code")
        out = pd.DataFrame({"old_la_code": [old[c] for c in wide.index], "la_name": [names[c] for c in wide.index]})
        for rank in wide.columns:
            out[f"SN_{rank}"] = [old[c] for c in wide[rank]]
        out.to_csv(out_dir / sn_file(str(model)), index=False, encoding="utf-8-sig")
        counts[sn_file(str(model))] = len(out)
    areas.to_csv(out_dir / AREAS_FILE, index=False, encoding="utf-8-sig")
    counts[AREAS_FILE] = len(areas)
    bs_files = [data_dir / e["file"] for e in manifest["extracts"] if e["active"] and e["kind"] == "bright_spots"]
    bs = pd.concat([pq.read_table(p).to_pandas() for p in bs_files], ignore_index=True) if bs_files else pd.DataFrame()
    bs.to_csv(out_dir / BRIGHT_SPOTS_FILE, index=False, encoding="utf-8-sig")
    counts[BRIGHT_SPOTS_FILE] = len(bs)
    return counts
