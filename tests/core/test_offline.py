"""The suite's own guard: a test that reaches for another host is refused before a packet
leaves, and noted, whatever the code under test makes of the refusal."""

import socket

import httpx
import offline
import pytest
import vern_process

from conftest import VERN


def test_another_host_is_refused_before_a_packet_leaves_and_noted(httpserver):
    httpserver.expect_request("/").respond_with_data("ok")
    assert httpx.get(httpserver.url_for("/")).text == "ok"  # this machine: allowed
    with pytest.raises(OSError), socket.create_connection(("192.0.2.1", 443), timeout=1):  # TEST-NET-1
        pass
    with pytest.raises(httpx.ConnectError):
        httpx.get("https://vern.example/")  # the name is not even resolved
    assert offline.attempts == ["192.0.2.1", "vern.example"]
    offline.attempts.clear()  # this test meant it; any other fails in the guard's teardown


def test_a_command_that_reaches_for_another_host_fails(db, tmp_path):
    toml = tmp_path / "vern.toml"
    toml.write_text('[[alerts.channels]]\nkind = "slack"\nurl = "https://hooks.slack.example/services/x"\n')
    done = vern_process.run([VERN, "--db", str(db), "--config", str(toml), "alerts", "test"],
                            capture_output=True, text=True)
    assert done.returncode == vern_process.OFFLINE_EXIT, done.stderr
    assert "hooks.slack.example" in done.stderr
