"""A file cache for rendered PDFs. Entries are grouped per owner (a response)
so that deleting a response deletes its reports too."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable


class ReportCache:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, owner: str, key: Iterable[object]) -> Path:
        digest = hashlib.sha256("\x1f".join(map(str, key)).encode()).hexdigest()[:32]
        return self.root / str(owner) / f"{digest}.pdf"

    def get(self, owner: str, key: Iterable[object]) -> bytes | None:
        try:
            return self._path(owner, key).read_bytes()
        except FileNotFoundError:
            return None

    def put(self, owner: str, key: Iterable[object], data: bytes) -> None:
        path = self._path(owner, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)

    def forget(self, owner: str) -> None:
        shutil.rmtree(self.root / str(owner), ignore_errors=True)
