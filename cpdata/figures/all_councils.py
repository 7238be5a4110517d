"""The scorecard of every council at once (``python -m cpdata scorecard --council all``): every
current and former council, every year held, with rank and quartile band among all councils.

One query for all councils' figures and comparators (``queries.scorecard_all``) and one for every
council's published figures to rank; the rows for a council are its own scorecard's, column for
column, so the two never disagree.
"""

from __future__ import annotations

import pandas as pd

from cpdata.catalogue.catalogue import Catalogue, load_catalogue
from cpdata.core.datafolder import DataFolder
from cpdata.figures import ranking
from cpdata.store import queries, reference

FIRST = ("council_code", "council_old_code", "council_name")
LAST = ("polarity", "rank", "rank_of", "quartile")


def ranks(folder: DataFolder, catalogue: Catalogue, year: int | None = None) -> pd.DataFrame:
    """Rank, number ranked and quartile band of every council's published figure, for each indicator
    with published figures and each year (as a pledge page ranks them)."""
    ids = [i for i, ind in catalogue.indicators.items() if ind.published]
    values = queries.council_values(folder, ids) if ids else pd.DataFrame()
    if year is not None and not values.empty:
        values = values[values["period"] == year]
    parts = []
    for (ind_id, period), table in values.groupby(["indicator_id", "period"], sort=False):
        r = ranking.ranked(table.reset_index(drop=True), catalogue.indicator(ind_id).polarity)
        parts.append(r.assign(indicator_id=ind_id, period=int(period)))
    if not parts:
        return pd.DataFrame(columns=["indicator_id", "period", "council_code", "rank", "rank_of", "quartile"])
    out = pd.concat(parts, ignore_index=True).rename(columns={"area_code": "council_code"})
    out["rank_of"] = out["rank_of"].astype("Int64").where(out["rank"].notna())
    return out


def scorecard(folder: DataFolder, year: int | None = None, sn_model: str = "auto") -> pd.DataFrame:
    """Every council's scorecard rows: council_code (new code), council_old_code, council_name, then the
    single-council scorecard's columns, then polarity, rank, rank_of and quartile (A best)."""
    catalogue = load_catalogue(folder)
    card = queries.scorecard_all(folder, year, sn_model)
    areas = reference.areas(folder).set_index("area_code")
    card.insert(1, "council_old_code", card["council_code"].map(areas["old_code"]).to_numpy())
    card.insert(2, "council_name", card["council_code"].map(areas["name"]).to_numpy())
    card["polarity"] = card["indicator_id"].map({i: ind.polarity for i, ind in catalogue.indicators.items()})
    ranked = ranks(folder, catalogue, year)
    out = card.merge(ranked, on=["council_code", "indicator_id", "period"], how="left", validate="one_to_one")
    out["rank"] = out["rank"].astype("Int64")
    out["rank_of"] = out["rank_of"].astype("Int64")
    return out.sort_values(["council_name", "indicator_id", "period"], kind="stable").reset_index(drop=True)
