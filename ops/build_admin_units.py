"""Write transforms/provinces/admin_units.csv: the districts of the 63 provinces and the communes and
wards of the 34, each with its province's GSO code, from the open dataset that the
`vietnamadminunits` package ships (compiled from the General Statistics Office's list,
danhmuchanhchinh.gso.gov.vn, and sapnhap.bando.com.vn; MIT licence).

Run it when that dataset changes, not at install time:

    uv run --no-project --with vietnamadminunits==1.0.4 python ops/build_admin_units.py
"""

from __future__ import annotations

import csv
import sqlite3
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "transforms" / "provinces" / "admin_units.csv"
DISTRICTS_63 = """
    select distinct provinceCode, districtType, districtShort
    from admin_units_legacy order by provinceCode, districtType, districtShort
"""
COMMUNES_34 = """
    select distinct provinceCode, wardType, wardShort
    from admin_units order by provinceCode, wardType, wardShort
"""


def main() -> None:
    database = resources.files("vietnamadminunits") / "data" / "dataset.db"
    with sqlite3.connect(str(database)) as con:
        rows = [("63", code, kind.lower(), name) for code, kind, name in con.execute(DISTRICTS_63)]
        rows += [("34", code, kind.lower(), name) for code, kind, name in con.execute(COMMUNES_34)]
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["regime", "province_code", "unit_type", "name"])
        writer.writerows(rows)
    print(f"{len(rows)} units → {OUT}")


if __name__ == "__main__":
    main()
