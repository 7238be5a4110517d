"""What the store holds now that an upload would meet: the figures it would replace and the neighbours'
means its checks compare with (for a whole file, in one query each), and the survey results it would
replace. Read by ``cpdata.uploads`` for its checks and preview; each is one query with bound parameters."""

from __future__ import annotations

import pandas as pd

from cpdata.core.datafolder import DataFolder
from cpdata.core.schema import ENGLAND, FIGURE_KEY
from cpdata.store import store
from cpdata.store.series_sql import MODEL_2025_FROM, SN_MEANS_SQL

HELD_COLUMNS = [*FIGURE_KEY, "value", "symbol", "source", "extract_id"]


def held_figures(folder: DataFolder, indicator_ids: list[str], area_codes: list[str]) -> pd.DataFrame:
    """The figures held now for these indicators and areas (every period, type and basis): what an upload
    of them would replace, for its checks and its preview. Columns ``HELD_COLUMNS``."""
    if not indicator_ids or not area_codes:
        return pd.DataFrame(columns=HELD_COLUMNS)
    return store.frame(
        folder,
        f"SELECT {', '.join(HELD_COLUMNS)} FROM figures WHERE indicator_id IN (SELECT unnest($i::VARCHAR[])) "
        "AND area_code IN (SELECT unnest($a::VARCHAR[]))",
        {"i": list(indicator_ids), "a": list(area_codes)},
    )


def sn_means(folder: DataFolder, keys: pd.DataFrame) -> pd.DataFrame:
    """The neighbours' mean (as ``series`` computes it, model chosen automatically) for each
    (indicator_id, area_code, period) in ``keys``, in one query however many keys: the upload checks ask
    this for a whole file. Keys with no figure held for the area, its region or England are left out,
    as ``series`` leaves those years out."""
    out = ["indicator_id", "area_code", "period", "sn_mean"]
    if keys.empty:
        return pd.DataFrame(columns=out)
    params = {
        "ids": keys["indicator_id"].astype(str).tolist(),
        "areas": keys["area_code"].astype(str).tolist(),
        "periods": [int(p) for p in keys["period"]],
        "choice": "auto",
        "from2025": MODEL_2025_FROM,
        "england": ENGLAND,
    }
    return store.frame(folder, SN_MEANS_SQL, params)[out]


def bright_spots_for(folder: DataFolder, area_codes: list[str]) -> pd.DataFrame:
    """Survey results held for these councils (to preview an upload against)."""
    return store.frame(
        folder,
        "SELECT * EXCLUDE (seq) FROM bright_spots WHERE area_code IN (SELECT unnest($a::VARCHAR[]))",
        {"a": list(area_codes)},
    )
