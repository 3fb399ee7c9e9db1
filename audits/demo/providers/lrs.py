"""A learning record store on loopback, as the xAPI specification (1.0.3, part three)
describes `GET /statements`: `since` on the LRS's `stored` time, `ascending`, `limit`,
a StatementResult `{"statements": [...], "more": "<path on this host>"}`, the
X-Experience-API-Version header required, basic or bearer auth. `httpserver`: a
pytest-httpserver, or a `loopback.Loopback` (the demo). `trouble` queues answers
given instead of the next pages (a 429 with Retry-After, a 500 …); `failing_more` breaks
every page after the first."""

import base64
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from werkzeug import Request, Response

USER, PASSWORD, TOKEN = "vern-lrs", "lrs-secret", "lrs-token"
ROOT = "/xapi"


def statement(number: int, stored: datetime, email: str = "", verb: str = "completed") -> dict:
    return {
        "id": f"00000000-0000-4000-8000-{number:012d}",
        "actor": {"objectType": "Agent", "mbox": f"mailto:{email or f'person{number}@vern.example'}"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"objectType": "Activity", "id": "https://lms.vern.example/kurs/personvern",
                   "definition": {"name": {"nb-NO": "Personvern grunnkurs"}}},
        "timestamp": (stored - timedelta(seconds=3)).isoformat().replace("+00:00", "Z"),
        "stored": stored.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


class LRS:
    def __init__(self, httpserver, statements: list[dict], bearer: bool = False):
        self.statements, self.bearer = statements, bearer
        self.trouble: list[Response] = []
        self.failing_more: Response | None = None  # the answer to every `more` while set
        self.asked: list[dict] = []  # the query of every request for statements
        httpserver.expect_request(f"{ROOT}/statements").respond_with_handler(self.first)
        httpserver.expect_request(f"{ROOT}/statements/more", method="GET").respond_with_handler(self.more)
        self.endpoint = httpserver.url_for(ROOT)

    def _refusal(self, request: Request) -> Response | None:
        if request.headers.get("X-Experience-API-Version") != "1.0.3":
            return Response(json.dumps({"error": "X-Experience-API-Version header missing"}), 400)
        wanted = (f"Bearer {TOKEN}" if self.bearer
                  else "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode())
        if request.headers.get("Authorization") != wanted:
            return Response(json.dumps({"error": "Unauthorized: bad credentials"}), 401)
        return self.trouble.pop(0) if self.trouble else None

    def first(self, request: Request) -> Response:
        self.asked.append(dict(request.args))
        return self._refusal(request) or self._page(request.args.get("since"), int(request.args.get("limit", 0)), 0)

    def more(self, request: Request) -> Response:
        self.asked.append(dict(request.args))
        return self._refusal(request) or self.failing_more or self._page(request.args.get("since") or None,
                                                    int(request.args["limit"]), int(request.args["from"]))

    def _page(self, since: str | None, limit: int, start: int) -> Response:
        after = datetime.fromisoformat(since) if since else datetime.min.replace(tzinfo=UTC)
        chosen = sorted((s for s in self.statements if datetime.fromisoformat(s["stored"]) > after),
                        key=lambda s: s["stored"])
        limit = limit or 100
        page = chosen[start:start + limit]
        more = ""
        if start + limit < len(chosen):
            query = {"from": start + limit, "limit": limit} | ({"since": since} if since else {})
            more = f"{ROOT}/statements/more?{urlencode(query)}"
        return Response(json.dumps({"statements": page, "more": more}), 200,
                        headers={"Content-Type": "application/json", "X-Experience-API-Version": "1.0.3"})
