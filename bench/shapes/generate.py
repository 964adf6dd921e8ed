"""Write the nine seeded export shapes, their mappings, true P(SQL) and a shapes.json manifest to a folder.

    .venv/bin/python bench/shapes/generate.py --out .leadgate/bench-shapes/data [--scale 1.0] [--data-seed 0]

Needs numpy, pandas and pyarrow (any leadgate .venv has them). Written independently of leadgate's own
generator and tests.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: `bench` from the repository

from bench.shapes.catalogue import SHAPES, mapping_path  # noqa: E402
from bench.shapes.outcomes import oracle_auc  # noqa: E402


def write_shape(k: int, out: Path, scale: float = 1.0, data_seed: int = 0) -> dict:
    """Write shape number k of SHAPES (export, mapping, truth) into out; return its manifest entry."""
    shape = SHAPES[k]
    rng = np.random.default_rng(1000 + k + 7919 * data_seed)
    rows = max(600, int(shape.rows * scale)) if shape.rows > 600 else shape.rows
    s = shape.make(rng, rows)
    s["writer"](s["frame"], out / s["file"])
    (out / f"{shape.name}.yaml").write_bytes(mapping_path(shape.name).read_bytes())
    # The true P(SQL) of each lead, keyed by the lead id leadgate gives it (its id column, else row-N).
    frame = s["frame"]
    ids = (
        frame[shape.id_column].astype(str).tolist()
        if shape.id_column
        else [f"row-{i + 2}" for i in range(rows)]
    )
    truth = pd.DataFrame({"lead_id": ids, "p": np.asarray(s["p"]), "sql": np.asarray(s["y"])})
    truth.to_csv(out / f"{shape.name}.truth.csv", index=False)
    # Open leads (no outcome yet) are left out of training, so the SQL rate and the oracle leave them out too.
    keep = ~s.get("open", np.zeros(rows, bool))
    y, p = np.asarray(s["y"])[keep], np.asarray(s["p"])[keep]
    entry = {
        "name": shape.name,
        "file": s["file"],
        "mapping": f"{shape.name}.yaml",
        "kind": s["kind"],
        "split": "auto",
        "rows": rows,
        "sql_rate": round(float(y.mean()), 4),
        "oracle_auc": round(oracle_auc(p, y), 3),
        "truth": f"{shape.name}.truth.csv",
        "data_seed": data_seed,
        "notes": s["notes"],
    }
    print(
        f"{shape.name:26s} {rows:6d} rows  SQL {y.mean():.3f}  oracle AUC {entry['oracle_auc']:.3f}  {s['file']}"
    )
    return entry


def write_shapes(
    out: Path, scale: float = 1.0, data_seed: int = 0, only: list[str] | None = None
) -> list[dict]:
    """Write every shape (or those named in `only`) and shapes.json into out; return the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for k, shape in enumerate(SHAPES):
        if only and shape.name not in only:
            continue
        manifest.append(write_shape(k, out, scale, data_seed))
    (out / "shapes.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def main() -> None:
    """Command line: --out, --scale, --data-seed, --shapes."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--scale", type=float, default=1.0, help="row-count factor (not below 600 rows)")
    ap.add_argument(
        "--data-seed", type=int, default=0, help="another draw of the same nine shapes (0: the default)"
    )
    ap.add_argument("--shapes", nargs="*", help="only these shapes")
    args = ap.parse_args()
    write_shapes(args.out, args.scale, args.data_seed, args.shapes)


if __name__ == "__main__":
    main()
