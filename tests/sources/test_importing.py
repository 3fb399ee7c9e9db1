"""A pull's batches imported while the next is fetched (audits/sources/importing.py): in
order, one at a time, and a refused batch ends the pull before the batches after it."""

import threading

import pytest

from audits.sources.importing import Importing


def never() -> None:
    pytest.fail("a batch was dropped that should have been imported")


def test_a_batch_is_imported_while_the_caller_goes_on_and_the_next_waits_for_it():
    release, done = threading.Event(), []

    def first():
        release.wait(10)
        done.append("first")

    with Importing() as importing:
        importing.then(first, never)
        assert done == []  # the caller fetches the next batch meanwhile
        release.set()
        importing.then(lambda: done.append("second"), never)  # waits for the first
        assert done == ["first"]
    assert done == ["first", "second"]  # leaving waits for the last


def test_a_refused_batch_ends_the_pull_and_the_batches_after_it_are_not_imported():
    done = []

    def refused():
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"), Importing() as importing:
        importing.then(refused, never)
        importing.then(lambda: done.append("after"), lambda: done.append("dropped"))
    assert done == ["dropped"]  # its files go


def test_a_failure_of_the_caller_still_lets_the_batch_before_it_land():
    release, done = threading.Event(), []

    def batch():
        release.wait(10)
        done.append("batch")

    with pytest.raises(KeyError), Importing() as importing:
        importing.then(batch, never)
        release.set()
        raise KeyError("the next page failed")
    assert done == ["batch"]
