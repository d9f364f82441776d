"""Settings: every one is documented where users look for it."""

from cds.settings import PROJECT_ROOT, Settings


def test_every_setting_is_in_the_readme_configuration_table() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Configuration", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in Settings.model_fields if f"| `CDS_{name.upper()}` |" not in table]
    assert not missing, f"settings missing from README's configuration table: {missing}"
