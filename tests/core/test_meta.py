"""Conventions that keep the project honest about itself."""

from pathlib import Path

from audits.checking import registry

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"


def test_every_installed_check_is_valid_and_every_rule_cites_an_article():
    checks = registry.installed()
    assert "processors" in checks
    for check in checks.values():
        for rule in check.rules:
            assert rule.article.startswith("Art."), (check.id, rule.id)
            assert rule.title.nb and rule.title.en and rule.remedy.nb and rule.remedy.en


def test_every_rule_has_a_test_that_names_it():
    test_text = "\n".join(p.read_text() for p in TESTS.rglob("test_*.py") if p.name != "test_meta.py")
    untested = [f"{c.id}.{r.id}" for c in registry.installed().values() for r in c.rules
                if f'"{r.id}"' not in test_text]
    assert untested == []
