"""Imports have a size limit: a file far larger than any register is refused, unread."""

import pytest

from audits import csvfile
from audits.errors import InputError
from audits.processors import import_register, register

HEADER = "name,service,countries,transfer_mechanism,dpf_certified,dpa_signed_on,dpa_expires_on,last_reviewed_on\n"


def test_a_file_over_the_limit_is_refused_and_nothing_imported(vern, tmp_path, monkeypatch):
    path = tmp_path / "register.csv"
    path.write_text(HEADER + "Acme AS,CRM,NO,none,,,,\n")
    monkeypatch.setattr(csvfile, "MAX_BYTES", path.stat().st_size - 1)
    with pytest.raises(InputError) as refused:
        import_register(vern.store, path, "test")
    assert refused.value.problems == ["larger than 0 MB: not a register"]
    assert register(vern.store) == []


def test_a_file_at_the_limit_is_read(vern, tmp_path, monkeypatch):
    path = tmp_path / "register.csv"
    path.write_text(HEADER + "Acme AS,CRM,NO,none,,,,\n")
    monkeypatch.setattr(csvfile, "MAX_BYTES", path.stat().st_size)
    assert import_register(vern.store, path, "test") == 1
