"""Files on any fsspec file system (local, ``s3://``, ``gs://``...), for the Dask engine.

The same readers, input expansion and atomic writer as the local engine's
(``cleanews.io``), through ``FsspecFiles``; needs the ``dask`` extra.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import fsspec
from fsspec.implementations.local import LocalFileSystem

from cleanews.errors import OutputError
from cleanews.io import LOCAL, removed_on_failure


class FsspecFiles:
    """``cleanews.io.Files`` for fsspec URLs; paths keep their protocol (``s3://...``)."""

    def open(self, path: str) -> IO[bytes]:
        opened: IO[bytes] = fsspec.open(path, "rb").open()
        return opened

    @contextmanager
    def atomic(self, path: str) -> Iterator[IO[bytes]]:
        """Written under a temporary name, moved to ``path`` when the block ends without an error."""
        fs, target = fsspec.core.url_to_fs(path)
        temporary = f"{target}.incomplete"
        try:
            fs.makedirs(fs._parent(target), exist_ok=True)
        except OSError as error:
            raise OutputError(path, error) from error
        with removed_on_failure(path, lambda: fs.rm(temporary)):
            with fs.open(temporary, "wb") as raw:
                yield raw
            fs.mv(temporary, target)

    def is_dir(self, path: str) -> bool:
        fs, root = fsspec.core.url_to_fs(path)
        return bool(fs.isdir(root))

    def is_file(self, path: str) -> bool:
        fs, root = fsspec.core.url_to_fs(path)
        return bool(fs.isfile(root))

    # Local paths are expanded as the local engine expands them, so records name their files as given.
    def files_under(self, root: str) -> list[str]:
        if is_local(root):
            return LOCAL.files_under(root)
        fs, base = fsspec.core.url_to_fs(root)
        return [self._named(fs, path) for path in fs.find(base)]

    def glob(self, pattern: str) -> list[str]:
        if is_local(pattern):
            return LOCAL.glob(pattern)
        fs, base = fsspec.core.url_to_fs(pattern)
        return [self._named(fs, path) for path in fs.glob(base) if fs.isfile(path)]

    def signature(self, path: str) -> list[Any]:
        fs, target = fsspec.core.url_to_fs(path)
        info = fs.info(target)
        return [self._named(fs, target), info.get("size"), str(info.get("mtime", info.get("LastModified")))]

    @staticmethod
    def _named(fs: Any, path: str) -> str:
        return path if isinstance(fs, LocalFileSystem) else str(fs.unstrip_protocol(path))


def is_local(path: str) -> bool:
    return isinstance(fsspec.core.url_to_fs(path)[0], LocalFileSystem)
