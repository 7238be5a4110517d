"""Rebuild ``sample_data/`` from the published files in ``shared/data``.

The app and tests use the committed parquet; this script is how it was made, so every
figure can be traced back to a published file (``python -m cpdata build-sample``).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd

from cpdata.catalogue import aliases
from cpdata.core import periods, schema
from cpdata.core.datafolder import DataFolder
from cpdata.store import store
from cpdata.uploads import ees

SN_2021 = "New_Statistical_Neighbour_Groupings_April_2021.csv"
SN_2025 = "sn_model_2025_wide.csv"
BARNSLEY = "E08000016"
BARKING_DAGENHAM = "E09000002"
BARNET = "E09000003"
LONDON = "E12000007"
BARNET_STRATEGY = "Barnet's Corporate Parenting Strategy 2024-27"


def read_csv(path: Path) -> pd.DataFrame:
    """Published CSVs start with a byte-order mark; codes keep their leading zeros."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_areas(frames: list[pd.DataFrame], sn25: pd.DataFrame) -> pd.DataFrame:
    areas = pd.concat([ees.areas_in(f) for f in frames], ignore_index=True)
    areas = areas.drop_duplicates(subset=["area_code"], keep="last").copy()
    # London boroughs are published under Inner/Outer London; their region is London.
    inner_outer = areas["region_code"].fillna("").str.startswith("E13")
    areas.loc[inner_outer & (areas["level"] == "local_authority"), ["region_code", "region_name"]] = [LONDON, "London"]
    areas.loc[areas["level"] != "local_authority", ["region_code", "region_name"]] = None
    current = set(sn25["old_la_code"])
    areas["current"] = (areas["level"] != "local_authority") | areas["old_code"].isin(current)
    return areas.sort_values(["level", "name"]).reset_index(drop=True)


def build_sn_models(sn21: pd.DataFrame, sn25: pd.DataFrame, areas: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Both DfE models as rows (model, council, rank, neighbour); codes resolved to new codes."""
    new_code = dict(zip(areas["old_code"], areas["area_code"], strict=False))
    rows, unresolved = [], []
    # 2021 file: 'LA num', then SN1, SNP, SN2, SNP ... (closeness columns share one name).
    for rec in sn21.itertuples(index=False):
        vals = list(rec)
        if not vals[0].strip():
            continue
        for rank in range(1, 11):
            rows.append(
                ("2021", vals[0].strip(), rank, vals[5 + 2 * (rank - 1)].strip(), vals[6 + 2 * (rank - 1)].strip())
            )
    for _, rec in sn25.iterrows():
        for rank in range(1, 11):
            rows.append(("2025", rec["old_la_code"], rank, rec[f"SN_{rank}"].strip(), rec[f"SN_{rank}P"].strip()))
    out = []
    for model, council, rank, neighbour, closeness in rows:
        if council not in new_code or neighbour not in new_code:
            unresolved.append(f"{model}:{council}->{neighbour}")
            continue
        out.append((model, new_code[council], rank, new_code[neighbour], closeness))
    cols = ["model", "area_code", "rank", "neighbour_code", "closeness"]
    return pd.DataFrame(out, columns=cols), unresolved


def barnsley_figures(path: Path) -> pd.DataFrame:
    """Barnsley's table through the same path an analyst's upload of it takes."""
    from cpdata.uploads import ingest, shapes, tidy

    source = "Barnsley Children in Care and Care Leavers Strategy 2022-25"
    cells, problems, unmatched = shapes.wide_cells(
        DataFolder.of(), read_csv(path), ingest.Options(council=BARNSLEY, source=source)
    )
    if problems or unmatched:
        raise ValueError(f"Barnsley's table did not map: {[p.text() for p in problems]}")
    cells["area_code"] = cells["area_given"]
    cells["period"] = cells["period_given"].map(periods.parse)
    return tidy.finalise(cells, "seed_barnsley_key_indicators")


def barking_dagenham_figures(path: Path) -> pd.DataFrame:
    df = read_csv(path)
    source = "Barking and Dagenham Corporate Parenting Strategy 2023-25 (local, provisional)"
    rows = []
    for r in df.itertuples(index=False):
        indicator = aliases.match(DataFolder.of(), r.measure)
        if indicator is None:
            raise ValueError(f"Barking and Dagenham measure with no catalogue id: {r.measure!r}")
        period = int(r.period[:4]) + 1
        notes = "; ".join(x for x in (r.note, r.comparator_note) if x) or None
        children = re.search(r"(\d+) children", r.note or "")
        base = {"area_code": BARKING_DAGENHAM, "period": period, "basis": "local", "source": source}
        if r.value:
            rows.append(
                {
                    **base,
                    "indicator_id": indicator,
                    "figure_type": "value",
                    "value": float(r.value),
                    "numerator": float(children[1]) if children and r.unit == "%" else None,
                    "note": notes,
                }
            )
        elif children and r.unit == "%":
            # A count was given without its percentage: keep the count, publish no percentage.
            rows.append(
                {
                    **base,
                    "indicator_id": indicator,
                    "figure_type": "value",
                    "value": None,
                    "symbol": "x",
                    "numerator": float(children[1]),
                    "note": notes,
                }
            )
        if r.target:
            rows.append(
                {
                    **base,
                    "indicator_id": indicator,
                    "figure_type": "target",
                    "value": float(r.target),
                    "note": "local target",
                }
            )
        uasc = re.search(r"(\d+) former unaccompanied", r.note or "")
        if uasc:
            rows.append(
                {
                    **base,
                    "indicator_id": "care_leavers_former_uasc_count",
                    "figure_type": "value",
                    "value": float(uasc[1]),
                    "note": r.note,
                }
            )
    out = pd.DataFrame(rows)
    out["extract_id"] = "seed_barking_dagenham_headlines"
    return out


def barnet_bright_spots(results: Path, responses: Path) -> pd.DataFrame:
    df = read_csv(results)
    resp = read_csv(responses)
    n = {(r.survey, r.wave): float(r.respondents) for r in resp.itertuples() if r.respondents}
    rows = []
    for r in df.itertuples(index=False):
        measure = aliases.match(DataFolder.of(), r.measure, "bright_spots")
        if measure is None:
            raise ValueError(f"Bright Spots measure with no catalogue id: {r.measure!r}")
        rows.append(
            {
                "area_code": BARNET,
                "survey": r.survey,
                "wave": int(r.wave),
                "age_band": r.age_band,
                "measure_id": measure,
                "measure_text": r.measure,
                "percent": float(r.percent) if r.percent else None,
                "count": float(r.count) if r.count else None,
                "respondents": n.get((r.survey, r.wave)),
                "comparator": r.comparator or None,
                "comparator_percent": float(r.comparator_percent) if r.comparator_percent else None,
                "bright_spot": r.marked_bright_spot == "yes",
                "source": f"Bright Spots {r.wave} (Coram Voice), as quoted in {BARNET_STRATEGY}",
                "note": r.note or None,
                "extract_id": "seed_barnet_bright_spots",
            }
        )
    return pd.DataFrame(rows)


def build(shared_data: Path, out_dir: Path) -> dict:
    """Write a complete data folder from the published files; returns counts for the log."""
    if out_dir.exists():
        for sub in ("extracts", "reference"):
            shutil.rmtree(out_dir / sub, ignore_errors=True)
        (out_dir / store.MANIFEST).unlink(missing_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    recipes = ees.shipped_recipes()
    ees_frames: dict[str, tuple[pd.DataFrame, ees.Recipe]] = {}
    for recipe in recipes:
        path = shared_data / recipe.file
        df = read_csv(path)
        if not recipe.matches(df):
            raise ValueError(f"recipe {recipe.name!r} does not match {path.name}")
        ees_frames[recipe.file] = (df, recipe)
    sn21, sn25 = read_csv(shared_data / SN_2021), read_csv(shared_data / SN_2025)
    areas = build_areas([f for f, _ in ees_frames.values()], sn25)
    sn, unresolved = build_sn_models(sn21, sn25, areas)
    store.write_parquet(schema.to_table(areas, schema.AREAS), out_dir / "reference" / "areas.parquet")
    store.write_parquet(schema.to_table(sn, schema.SN_MODELS), out_dir / "reference" / "sn_models.parquet")
    store.write_manifest(DataFolder(out_dir), {"format": 1, "extracts": []})
    counts: dict[str, int] = {}

    def add(df: pd.DataFrame, kind: str, extract_id: str, source_file: Path, description: str) -> None:
        entry = store.add_frame(
            DataFolder(out_dir),
            df,
            kind,
            extract_id=extract_id,
            source_file=source_file.name,
            sha256=sha256(source_file),
            applied_by="sample data build",
            description=description,
        )
        counts[extract_id] = entry["rows"]

    for file, (df, recipe) in ees_frames.items():
        extract_id = "dfe_" + Path(file).stem
        add(ees.to_figures(df, recipe, extract_id), "figures", extract_id, shared_data / file, recipe.name)
    add(
        barnsley_figures(shared_data / "seeds_key_indicators_barnsley.csv"),
        "figures",
        "seed_barnsley_key_indicators",
        shared_data / "seeds_key_indicators_barnsley.csv",
        "Barnsley's key-indicator table (strategy 2022-25)",
    )
    add(
        barking_dagenham_figures(shared_data / "seeds_headlines_barking_dagenham.csv"),
        "figures",
        "seed_barking_dagenham_headlines",
        shared_data / "seeds_headlines_barking_dagenham.csv",
        "Barking and Dagenham's headline performance 2022/23 (strategy 2023-25)",
    )
    add(
        barnet_bright_spots(
            shared_data / "seeds_bright_spots_barnet.csv", shared_data / "seeds_survey_responses_barnet.csv"
        ),
        "bright_spots",
        "seed_barnet_bright_spots",
        shared_data / "seeds_bright_spots_barnet.csv",
        "Barnet's Bright Spots results 2021 and 2023 (strategy 2024-27)",
    )
    counts["areas"] = len(areas)
    counts["sn_links"] = len(sn)
    counts["sn_unresolved"] = len(unresolved)
    return counts
