"""An AWS endpoint that refuses, on 127.0.0.1: a tiny HTTP server that answers STS's
GetCallerIdentity and every other call with the error XML IAM sends (AccessDenied,
ExpiredToken, Throttling, ...), and counts the requests of each action."""

from __future__ import annotations

import threading
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

IDENTITY = """<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/reader</Arn>
<UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"""

ERROR = """<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>
<RequestId>2</RequestId></ErrorResponse>"""


class Refusal:
    """What the server answers: ``refuse[action] = (status, code, message)``; an action
    not listed is answered as AccessDenied, GetCallerIdentity with an identity."""

    def __init__(self) -> None:
        self.refuse: dict[str, tuple[int, str, str]] = {}
        self.seen: Counter[str] = Counter()
        self.url = ""

    def answer(self, action: str) -> tuple[int, str]:
        self.seen[action] += 1
        if action in self.refuse:
            status, code, message = self.refuse[action]
            return status, ERROR.format(code=code, message=message)
        if action == "GetCallerIdentity":
            return 200, IDENTITY
        message = (
            "User: arn:aws:iam::123456789012:user/reader is not authorized to perform: "
            f"iam:{action} because no identity-based policy allows the iam:{action} action"
        )
        return 403, ERROR.format(code="AccessDenied", message=message)


@contextmanager
def refusing_server() -> Iterator[Refusal]:
    refusal = Refusal()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            action = urllib.parse.parse_qs(body).get("Action", [""])[0]
            status, text = refusal.answer(action)
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    refusal.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield refusal
    finally:
        server.shutdown()
        thread.join()
