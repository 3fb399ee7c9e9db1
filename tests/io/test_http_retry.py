"""Retry-After as servers send it: seconds, or an HTTP date (RFC 9110 §10.2.3)."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from audits.io.http_retry import retry_after


def test_seconds_a_date_or_nothing():
    assert retry_after("7") == 7.0
    assert retry_after("-3") == 0.0
    later = retry_after(format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True))
    assert 85 <= later <= 90
    assert retry_after(format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)) == 0.0
    assert retry_after(None) is retry_after("") is retry_after("soon") is None
