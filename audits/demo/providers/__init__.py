"""Fake providers Vern pulls evidence from, in their documented shapes: a learning record
store (`lrs`) and Google Workspace (`google_workspace`). The tests install them on
pytest-httpserver; `vern serve` on the demo's database serves them in this process on
loopback (`loopback.Loopback`, audits/demo/sources.py), so the demo pulls from the very
fakes the tests hold the connectors to.

A fake takes its server first and registers its handlers on it with
`server.expect_request(uri, method=…).respond_with_handler(handler)`: a werkzeug
Request → Response function for an exact path or a compiled pattern of paths."""
