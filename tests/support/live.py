"""A live server on a free port and a plain HTTP browser."""

from __future__ import annotations

import http.client
import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request

from werkzeug.serving import make_server

# --- servers and an HTTP browser --------------------------------------------------


class LiveServer:
    """The app served by werkzeug on a free port in a thread, for browser tests."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# A request that failed on its way: the connection was refused or reset, or the
# reply was cut mid-body (http.client.IncompleteRead) – a person would press again.
TRANSPORT_ERRORS = (OSError, http.client.HTTPException)


class HttpBrowser:
    """Just enough of a browser over real HTTP: cookies kept, forms posted back,
    redirects seen but not followed. Transport failures raise TRANSPORT_ERRORS."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def get(self, path: str) -> tuple[int, str, dict]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))

    def _open(self, request) -> tuple[int, str, dict]:
        try:
            with self.opener.open(request, timeout=30) as reply:
                return reply.status, reply.read().decode(), dict(reply.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)
