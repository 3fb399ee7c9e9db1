"""A pull's batches read while the next is fetched and imported together
(audits/sources/importing.py): read in order, one at a time, into a real database's
temporary tables; imported at the end in one transaction with every stream's cursor; a
refused batch ends its stream, not the others, and the pull fails with it at the end; any
other failure ends the pull before the batches after it; what was read is kept either way."""

import json
import threading

import pytest

from audits.core.errors import InputError
from audits.core.i18n import Message
from audits.sources import cursors
from audits.sources.asking import SourceFailed
from audits.sources.importing import Importing
from audits.sources.pulling import Counts


@pytest.fixture
def store(vern):
    return vern.store


def never() -> None:
    pytest.fail("a batch was dropped that should have been read")


def refusal(name: str) -> SourceFailed:
    """What `failed.kept` raises for a batch the import refused."""
    return SourceFailed(Message("sources.http_silent", {"source": name, "status": 200}),
                        InputError(name, [Message("access.missing")]))


def blob(folder, stream: str, n: int):
    """A batch of one Management Activity API blob holding the event `stream`-`n`: read it
    into the pending import and move the stream's cursor to `n`."""
    path = folder / f"{stream}-{n}.json"
    path.write_text(json.dumps([{"Id": f"{stream}-{n}", "CreationTime": f"2026-11-0{n}T10:00:00",
                                 "Operation": "FileAccessed", "UserId": "kari@forening.no", "UserType": 0,
                                 "Workload": "SharePoint", "ObjectId": "https://x.sharepoint.com/a.docx"}]))

    def read(pending):
        pending.add([path])
        return lambda tx: cursors.advance(tx, "m365", stream, str(n))
    return read


def stored(store) -> list[str]:
    return [row["event_id"] for row in store.rows("SELECT event_id FROM access_events ORDER BY event_id")]


def test_batches_are_read_while_the_caller_goes_on_and_imported_together_with_their_cursors(store, tmp_path):
    release, done = threading.Event(), []
    first = blob(tmp_path, "Audit.SharePoint", 1)

    def slow(pending):
        release.wait(10)
        done.append("first")
        return first(pending)

    counts = Counts()
    with Importing(store, "m365", "m365", counts) as importing:
        importing.then("Audit.SharePoint", slow, never)
        assert done == []  # the caller fetches the next batch meanwhile
        release.set()
        importing.then("Audit.SharePoint", blob(tmp_path, "Audit.SharePoint", 2), never)  # waits for the first
        assert done == ["first"]
        importing.then("Audit.Exchange", blob(tmp_path, "Audit.Exchange", 3), never)
        importing.wait()
        assert stored(store) == [] and cursors.position(store, "m365", "Audit.SharePoint") is None  # not yet
    assert stored(store) == ["Audit.Exchange-3", "Audit.SharePoint-1", "Audit.SharePoint-2"]
    assert cursors.position(store, "m365", "Audit.SharePoint") == "2"  # where its last batch ends
    assert cursors.position(store, "m365", "Audit.Exchange") == "3"
    assert (counts.read, counts.new) == (3, 3)
    imports = store.rows("SELECT seq FROM trail WHERE action = 'access_logs.import'")
    assert len(imports) == 1  # one transaction


def test_a_refused_batch_ends_its_stream_the_others_go_on_and_the_pull_fails_with_it(store, tmp_path):
    done = []

    def refused(name):
        def batch(pending):
            raise refusal(name)
        return batch

    with pytest.raises(SourceFailed) as failed, Importing(store, "m365", "m365", Counts()) as importing:
        importing.then("drive", refused("first"), never)
        importing.then("drive", blob(tmp_path, "drive", 1), lambda: done.append("drive dropped"))
        assert importing.stopped("drive") and not importing.stopped("login")
        importing.then("login", blob(tmp_path, "login", 2), never)
        importing.then("login", refused("second"), never)
        assert done == ["drive dropped"]
        importing.then("saml", blob(tmp_path, "saml", 3), never)
        assert importing.stopped("login")
    assert failed.value.text("en").startswith("first")  # the first refusal
    assert stored(store) == ["login-2", "saml-3"]  # the other streams' evidence is kept
    assert cursors.position(store, "m365", "drive") is None
    assert cursors.position(store, "m365", "login") == "2"  # before the refused batch


def test_any_other_failure_of_a_batch_ends_the_pull_before_the_batches_after_it(store, tmp_path):
    done = []

    def broken(pending):
        raise ValueError("the disk is full")

    with pytest.raises(ValueError, match="the disk is full"), Importing(store, "m365", "m365", Counts()) as importing:
        importing.then("drive", blob(tmp_path, "drive", 1), never)
        importing.then("drive", broken, never)
        importing.then("login", blob(tmp_path, "login", 2), lambda: done.append("dropped"))
    assert done == ["dropped"]  # its files go
    assert stored(store) == ["drive-1"]  # what was read before the failure is kept
    assert cursors.position(store, "m365", "drive") == "1"


def test_a_failure_of_the_caller_still_lets_the_batches_before_it_land(store, tmp_path):
    counts = Counts()
    with pytest.raises(KeyError), Importing(store, "m365", "m365", counts) as importing:
        importing.then("drive", blob(tmp_path, "drive", 1), never)
        importing.then("drive", blob(tmp_path, "drive", 2), never)
        raise KeyError("the next page failed")
    assert stored(store) == ["drive-1", "drive-2"]
    assert cursors.position(store, "m365", "drive") == "2"
    assert (counts.read, counts.new) == (2, 2)


def test_what_waits_is_imported_once_it_is_many_events(store, tmp_path, monkeypatch):
    from audits.sources import importing as module

    monkeypatch.setattr(module, "SETTLE_EVENTS", 2)
    with Importing(store, "m365", "m365", Counts()) as importing:
        importing.then("drive", blob(tmp_path, "drive", 1), never)
        importing.then("drive", blob(tmp_path, "drive", 2), never)
        importing.wait()
        assert stored(store) == ["drive-1", "drive-2"]  # two events waiting: imported at once
        importing.then("drive", blob(tmp_path, "drive", 3), never)
    assert stored(store) == ["drive-1", "drive-2", "drive-3"]
    assert len(store.rows("SELECT seq FROM trail WHERE action = 'access_logs.import'")) == 2
