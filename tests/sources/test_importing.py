"""A pull's batches imported while the next is fetched (audits/sources/importing.py): in
order, one at a time; a refused batch ends its stream, not the others, and the pull fails
with it at the end; any other failure ends the pull before the batches after it."""

import threading

import pytest

from audits.core.errors import InputError
from audits.core.i18n import Message
from audits.sources.asking import SourceFailed
from audits.sources.importing import Importing


def never() -> None:
    pytest.fail("a batch was dropped that should have been imported")


def refusal(name: str) -> SourceFailed:
    """What `failed.kept` raises for a batch the import refused."""
    return SourceFailed(Message("sources.http_silent", {"source": name, "status": 200}),
                        InputError(name, [Message("access.missing")]))


def test_a_batch_is_imported_while_the_caller_goes_on_and_the_next_waits_for_it():
    release, done = threading.Event(), []

    def first():
        release.wait(10)
        done.append("first")

    with Importing() as importing:
        importing.then("drive", first, never)
        assert done == []  # the caller fetches the next batch meanwhile
        release.set()
        importing.then("drive", lambda: done.append("second"), never)  # waits for the first
        assert done == ["first"]
    assert done == ["first", "second"]  # leaving waits for the last


def test_a_refused_batch_ends_its_stream_the_others_go_on_and_the_pull_fails_with_it():
    done = []

    def refused(name):
        def batch():
            raise refusal(name)
        return batch

    with pytest.raises(SourceFailed) as failed, Importing() as importing:
        importing.then("drive", refused("first"), never)
        importing.then("drive", lambda: done.append("drive after"), lambda: done.append("drive dropped"))
        assert importing.stopped("drive") and not importing.stopped("login")
        importing.then("login", lambda: done.append("login"), never)
        importing.then("login", refused("second"), never)
        assert done == ["drive dropped", "login"]
        importing.then("saml", lambda: done.append("saml"), never)
        assert importing.stopped("login")
    assert done == ["drive dropped", "login", "saml"]
    assert failed.value.text("en").startswith("first")  # the first refusal


def test_any_other_failure_of_a_batch_ends_the_pull_before_the_batches_after_it():
    done = []

    def broken():
        raise ValueError("the disk is full")

    with pytest.raises(ValueError, match="the disk is full"), Importing() as importing:
        importing.then("drive", broken, never)
        importing.then("login", lambda: done.append("after"), lambda: done.append("dropped"))
    assert done == ["dropped"]  # its files go


def test_a_failure_of_the_caller_still_lets_the_batch_before_it_land():
    release, done = threading.Event(), []

    def batch():
        release.wait(10)
        done.append("batch")

    with pytest.raises(KeyError), Importing() as importing:
        importing.then("drive", batch, never)
        release.set()
        raise KeyError("the next page failed")
    assert done == ["batch"]
