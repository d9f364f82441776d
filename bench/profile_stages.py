"""Profile the stages that miss their targets, so owners see where the time goes.

Run under pyinstrument (installed as a dev tool) on a corpus and a warehouse built by
`bench/run.py` (BENCH_WORK keeps them until the next run):

    .venv/bin/pyinstrument -r text -o /tmp/extract.txt bench/profile_stages.py extract SOURCE
    .venv/bin/pyinstrument -r text -o /tmp/gate.txt bench/profile_stages.py gate WAREHOUSE

`extract` times extract_facts over up to 1,000 decoded texts of SOURCE; `gate` runs the quality
gate once on WAREHOUSE as the pipeline does (on a copy, since the gate writes quarantine rows).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path


def profile_extract(source: Path) -> None:
    from bench.run import decoded_texts
    from transforms.extract import extract_facts

    for text in decoded_texts(source, 1000):
        extract_facts(text)


def profile_gate(warehouse: Path) -> None:
    from cds import pipeline
    from cds.settings import Settings

    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "cds.duckdb"
        shutil.copy(warehouse, copy)
        settings = Settings(warehouse_path=copy, public_dir=Path(scratch) / "public")
        pipeline.validate_staged(settings, "profile")


def main() -> None:
    stage, path = sys.argv[1], Path(sys.argv[2])
    {"extract": profile_extract, "gate": profile_gate}[stage](path)


if __name__ == "__main__":
    main()
