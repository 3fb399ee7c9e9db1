"""A fake provider served in this process: a small WSGI app on 127.0.0.1 and a free port
(werkzeug's threaded server, in a daemon thread), taking the fakes' handlers as
pytest-httpserver takes them (`expect_request(uri, method).respond_with_handler(handler)`),
so one fake serves the tests and the demo alike. A path matches a route given as text
exactly, or one given as a compiled pattern whole; the first route that matches answers, and
a path no route matches is answered 404."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from werkzeug import Request, Response
from werkzeug.serving import WSGIRequestHandler, make_server

Handler = Callable[[Request], Response]
ANY = "__ALL"  # pytest-httpserver's word for any method


@dataclass
class _Route:
    uri: str | re.Pattern[str]
    method: str
    handler: Handler | None = field(default=None)

    def respond_with_handler(self, handler: Handler) -> None:
        self.handler = handler

    def answers(self, request: Request) -> bool:
        if self.handler is None or self.method not in (ANY, request.method):
            return False
        return self.uri == request.path if isinstance(self.uri, str) else bool(self.uri.fullmatch(request.path))


class _Quiet(WSGIRequestHandler):
    """No line in the server's log for every request a pull makes (hundreds a pull); errors still are."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class Loopback:
    """One provider's fake on http://127.0.0.1:<port>, answering until `stop`."""

    def __init__(self, name: str):
        self.routes: list[_Route] = []
        self.host = "127.0.0.1"
        self.server = make_server(self.host, 0, self._application, threaded=True,
                                  request_handler=_Quiet)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, name=f"demo-provider-{name}", daemon=True)
        self.thread.start()

    def expect_request(self, uri: str | re.Pattern[str], method: str = ANY) -> _Route:
        route = _Route(uri, method)
        self.routes.append(route)
        return route

    def url_for(self, suffix: str) -> str:
        return f"http://{self.host}:{self.port}/{suffix.removeprefix('/')}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    @Request.application
    def _application(self, request: Request) -> Response:
        for route in self.routes:
            if route.answers(request):
                return route.handler(request)
        return Response("Not Found", 404, content_type="text/plain")
