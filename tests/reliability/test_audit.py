"""`make audit`'s verdicts (ops/audit.py): findings, strict mode, and an audit that never happened."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from cds.settings import PROJECT_ROOT


def _audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ops_audit", PROJECT_ROOT / "ops" / "audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


audit = _audit()
VULNERABLE = {
    "dependencies": [
        {"name": "jinja2", "version": "3.1.3", "vulns": [{"id": "GHSA-x", "fix_versions": ["3.1.4"]}]},
        {"name": "polars", "version": "1.0.0", "vulns": []},
    ]
}


def test_findings_are_reported_and_fail_only_when_strict() -> None:
    lines, code = audit.summarise(VULNERABLE, "", strict=False)
    assert lines == ["jinja2 3.1.3: GHSA-x (fixed in 3.1.4)", "1 known vulnerabilities in 2 audited packages"]
    assert code == 0
    assert audit.summarise(VULNERABLE, "", strict=True)[1] == 1


def test_a_clean_audit_passes_even_when_strict() -> None:
    clean = {"dependencies": [{"name": "polars", "version": "1.0.0", "vulns": []}]}
    assert audit.summarise(clean, "", strict=True) == (["0 known vulnerabilities in 1 audited packages"], 0)


def test_an_unreachable_service_is_said_plainly_and_does_not_fail() -> None:
    lines, code = audit.summarise(None, "ERROR ConnectionError: pypi.org unreachable\n", strict=True)
    assert code == 0 and lines[0].startswith(audit.UNREACHABLE) and "ConnectionError" in lines[0]


def test_a_service_that_knows_no_package_is_no_pass() -> None:
    # A PyPI mirror without per-release JSON: pip-audit skips everything, then says "No known
    # vulnerabilities found". That is not an audit.
    skipped = {"dependencies": [{"name": "polars", "version": "1.0.0", "skip_reason": "not found on PyPI"}]}
    lines, code = audit.summarise(skipped, "", strict=True)
    assert code == 0 and lines[0].startswith(audit.UNREACHABLE)
