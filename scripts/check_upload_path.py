"""Load the published files through the upload path and compare with the committed sample data.

    python scripts/check_upload_path.py [--source ../shared/data]

Prints one line per file (figures, how many match, any difference) and exits 1 on a mismatch, or when
a CSV in the folder is neither mapped by a shipped recipe nor listed as another shape.
Nothing is written: each file is only checked and previewed against sample_data/.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cpdata.core.datafolder import DataFolder

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cpdata.core import config
from cpdata.uploads import ees, ingest

WIDE = {"seeds_key_indicators_barnsley.csv": "E08000016"}
NOT_UPLOAD_SHAPES = {
    "New_Statistical_Neighbour_Groupings_April_2021.csv": "reference data (neighbour model), built by build-sample",
    "sn_model_2025_wide.csv": "reference data (neighbour model), built by build-sample",
    "seeds_headlines_barking_dagenham.csv": "prose transcription (measure, value, note), built by build-sample",
    "seeds_bright_spots_barnet.csv": "transcription joined with survey responses, built by build-sample",
    "seeds_survey_responses_barnet.csv": "survey response counts, joined into the Bright Spots extract",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", default=str(config.REPO_DIR.parent / "shared" / "data"))
    args = parser.parse_args()
    files = {r.file for r in ees.shipped_recipes()} | set(WIDE)
    bad = 0
    for name in sorted(files):
        path = Path(args.source) / name
        start = time.perf_counter()
        prepared = ingest.prepare(DataFolder.of(), path.read_bytes(), name, ingest.Options(council=WIDE.get(name)))
        if prepared.failed:
            print(f"{name}: REFUSED: {prepared.problems[0].text()}")
            bad += 1
            continue
        changes = prepared.changes
        n_new, n_changed, n_same = (len(changes[k]) for k in ("new", "changed", "unchanged"))
        ok = n_new == 0 and n_changed == 0
        bad += not ok
        print(
            f"{name}: {len(prepared.figures)} figures, {n_same} identical to sample data, {n_new} new, "
            f"{n_changed} changed ({time.perf_counter() - start:.1f} s) {'OK' if ok else 'MISMATCH'}"
        )
    for name, why in NOT_UPLOAD_SHAPES.items():
        print(f"{name}: not an upload shape ({why})")
    for path in sorted(Path(args.source).glob("*.csv")):  # a DfE file with no shipped recipe is a gap
        if path.name in files or path.name in NOT_UPLOAD_SHAPES:
            continue
        print(f"{path.name}: NOT RECOGNISED by any shipped recipe")
        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
