"""Pelican's writer as every render shard uses it: it writes only the pages its shard claims, each one whole.

Pelican asks for a writer through its `get_writer` signal, and gets `ShardWriter` (registered by the core plugin).
Each page goes to the first shard that comes to it (see shards.Claims), and only if the build renders it (an
incremental build's plan names its few pages); it is written through build/write.py's `replace_file` (whole, then
renamed; linked from the last output when unchanged), and handed to the context's `on_write` callables (the search
index takes the pages as they come, the progress counts them).
"""

from __future__ import annotations

import io
import os

from pelican.writers import Writer

from ..build.write import replace_file
from .context import context_of


class ShardWriter(Writer):
    """Pelican's writer, limited to the files of its shard and the build's plan; a paginated listing stays in one
    shard (its first file's)."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.context = context_of(self.settings)

    def owns(self, name: str) -> bool:
        """Whether this shard writes `name`; generators that write files themselves ask before rendering."""
        context = self.context
        if context is None:
            return True
        if context.plan is not None and not context.plan.renders(str(name)):
            return False
        return context.claims is None or context.claims.claim(str(name))

    def write_file(self, name, template, context, *args, **kwargs):
        if name and not self.owns(name):
            return None
        return super().write_file(name, template, context, *args, **kwargs)

    # Pelican's private file opener (see pelican_private.py): the one place a page's bytes pass through.
    def _open_w(self, filename, encoding, override=False):
        context = self.context
        if context is None:
            return super()._open_w(filename, encoding, override)
        if override or filename in self._written_files or filename in self._overridden_files:
            # Pelican's own overwrite rules apply; never truncate a file shared with the previous build.
            if os.path.isfile(filename) and os.stat(filename).st_nlink > 1:
                os.unlink(filename)
            context.wrote(_relative(filename, self.output_path), None)  # written without the hooks seeing the bytes
            return super()._open_w(filename, encoding, override)
        self._written_files.add(filename)
        return _ReusingFile(filename, self.output_path, context)


def writes(writer: Writer, name: str) -> bool:
    """Whether `writer` is to write output file `name`: always, unless it is one shard of several or the build is
    incremental."""
    return not isinstance(writer, ShardWriter) or writer.owns(name)


def _relative(filename: str, output_path: str) -> str:
    # Pelican joins the output folder and the page's path: cutting the prefix spares relpath's work per page.
    prefix = output_path.rstrip(os.sep) + os.sep
    return filename[len(prefix):] if filename.startswith(prefix) else os.path.relpath(filename, output_path)


class _ReusingFile(io.StringIO):
    """A text file written on close (`replace_file`): hard-linked to the previous build's file when the bytes are
    equal, so deploys and caches see no change; otherwise written whole and renamed."""

    def __init__(self, filename: str, output_path: str, context):
        super().__init__()
        self.filename = filename
        self.context = context
        self.name = _relative(filename, output_path)
        self.previous = os.path.join(context.previous, self.name) if context.previous else None

    def close(self) -> None:
        if self.closed:
            return
        data = self.getvalue().encode("utf-8")
        super().close()
        self.context.wrote(self.name, data)
        replace_file(self.filename, data, self.previous)
