"""`make audit`: known vulnerabilities in the locked dependencies, with pip-audit.

Usage: ``python ops/audit.py REQUIREMENTS`` where REQUIREMENTS is ``uv export --frozen`` output
(pinned and hashed, so pip-audit audits exactly the lock without resolving or installing).

Findings are reported and exit 0, unless ``AUDIT_STRICT=1`` (then exit 1). When the
vulnerability service cannot be reached — or answers for none of the packages, as a PyPI mirror
without the per-release JSON API does — that is said plainly and the exit is 0: pip-audit alone
prints "No known vulnerabilities found" after auditing nothing, which must not read as a pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

UNREACHABLE = "pip-audit could not reach its vulnerability service; no audit was done"


def run_pip_audit(requirements: Path) -> tuple[dict[str, Any] | None, str]:
    """(pip-audit's JSON report or None, its stderr)."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        command = [
            *(sys.executable, "-m", "pip_audit", "--disable-pip", "--require-hashes"),
            *("--requirement", str(requirements), "--vulnerability-service", "pypi"),
            *("--progress-spinner", "off", "--timeout", "15", "--format", "json", "--output", str(report)),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        try:
            return json.loads(report.read_text(encoding="utf-8")), done.stderr
        except (OSError, ValueError):
            return None, done.stderr


def summarise(report: dict[str, Any] | None, stderr: str, *, strict: bool) -> tuple[list[str], int]:
    """Lines to print and the exit code."""
    if report is None:
        last = next((line for line in reversed(stderr.splitlines()) if line.strip()), "no output")
        return [f"{UNREACHABLE} ({last.strip()[:200]})"], 0
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if dependencies and len(skipped) == len(dependencies):
        return [
            f"{UNREACHABLE}: none of {len(dependencies)} packages could be looked up "
            f"(e.g. {skipped[0]['skip_reason']})"
        ], 0
    lines = [
        f"{d['name']} {d['version']}: {v['id']} (fixed in {', '.join(v.get('fix_versions') or ['-'])})"
        for d in dependencies
        for v in d.get("vulns", [])
    ]
    audited = len(dependencies) - len(skipped)
    lines.append(f"{len(lines)} known vulnerabilities in {audited} audited packages")
    if skipped:
        lines.append(
            f"{len(skipped)} packages could not be audited: " + ", ".join(d["name"] for d in skipped)
        )
    found = len(lines) > 1 + bool(skipped)
    return lines, 1 if found and strict else 0


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    report, stderr = run_pip_audit(Path(argv[1]))
    lines, code = summarise(report, stderr, strict=os.environ.get("AUDIT_STRICT") == "1")
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
