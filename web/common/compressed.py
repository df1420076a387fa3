"""A public file sent gzip-compressed to a browser that accepts it (plotly.js: 1.5 MB, a third
of that compressed), compressed once per process and file, not per request."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import threading
import time
from functools import lru_cache
from pathlib import Path

from flask import Response, request, send_from_directory


def send_public_file(path: Path, max_age: int) -> Response:
    """`path` as send_from_directory sends it (its conditional and Range answers) when the
    request does not accept gzip, else its gzip encoding: its own ETag, a Content-Length of the
    compressed bytes, and Range and conditional requests answered on those bytes (the
    representation this reply is of). Either way `Vary: Accept-Encoding`, so that a cache keeps
    the two apart."""
    if request.accept_encodings["gzip"]:  # 0 for "gzip;q=0" or no Accept-Encoding at all
        response = _gzip_response(path, max_age)
    else:
        response = send_from_directory(path.parent, path.name, max_age=max_age)
    response.vary.add("Accept-Encoding")
    return response


def _gzip_response(path: Path, max_age: int) -> Response:
    stat = path.stat()
    with _compressing:  # once per process: parallel first requests wait for the one compression
        body, digest = _compressed(str(path), stat.st_mtime_ns, stat.st_size)
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    response = Response(body, mimetype=mimetype)
    response.content_encoding = "gzip"
    response.set_etag(f"{digest}-gzip")
    response.last_modified = int(stat.st_mtime)
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.expires = int(time.time() + max_age)
    return response.make_conditional(request, accept_ranges=True, complete_length=len(body))


_compressing = threading.Lock()


@lru_cache(maxsize=8)
def _compressed(path: str, mtime_ns: int, size: int) -> tuple[bytes, str]:
    """The file's gzip encoding and its digest. Keyed on the file's time and size too, so that
    a replaced file is compressed anew; mtime=0 makes the bytes (and so the ETag) the same in
    every process."""
    body = gzip.compress(Path(path).read_bytes(), compresslevel=9, mtime=0)
    return body, hashlib.sha256(body).hexdigest()[:32]
