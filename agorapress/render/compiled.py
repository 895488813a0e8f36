"""Compiled templates kept between builds: Jinja's bytecode cache, keyed by what changes the compiled code.

Jinja already checks each template's source against its cached code; the key adds what the source alone
does not say: the Jinja version, the environment's syntax options and the code of its extensions (the
i18n extension turns `{% trans %}` into calls). Every render shard and every build then loads the compiled
templates instead of compiling them again. Compiled code is code: it is kept in the portal's cache folder and
loaded only when its tag verifies (see cache.py), never from a file anyone else could have written.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

from ..cache import PortalCache


class CompiledTemplates(BytecodeCache):
    """Jinja's bytecode cache in the portal's cache folder, authenticated, salted per environment."""

    def __init__(self, cache: PortalCache):
        self.cache = cache

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        # As BytecodeCache.get_bucket, with the environment in the key.
        key = self.get_cache_key(f"{name}|{_salt(environment)}", filename)
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.cache.read(_file(bucket))
        if data is not None:  # only bytes whose tag verified are unmarshalled
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.cache.write(_file(bucket), bucket.bytecode_to_string())


def _file(bucket: Bucket) -> str:
    return f"jinja-{bucket.key}.bytecode"


def _salt(environment: jinja2.Environment) -> str:
    digest = hashlib.sha256(jinja2.__version__.encode())
    options = (environment.block_start_string, environment.block_end_string, environment.variable_start_string,
               environment.variable_end_string, environment.comment_start_string, environment.comment_end_string,
               environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
               environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
               environment.optimized, environment.is_async, getattr(environment, "newstyle_gettext", None),
               _name(environment.finalize), _name(environment.autoescape))
    digest.update(repr(options).encode())
    for key, extension in sorted(environment.extensions.items()):
        digest.update(key.encode())
        digest.update(_source_of(type(extension)))
    return digest.hexdigest()[:16]


def _name(value: object) -> str:
    return value if isinstance(value, (bool, str)) or value is None else getattr(value, "__qualname__", repr(type(value)))


@functools.cache
def _source_of(cls: type) -> bytes:
    # Read once per process: every template load salts its key with the extensions' code.
    try:
        return Path(inspect.getsourcefile(cls) or "").read_bytes()
    except (OSError, TypeError):
        return repr(cls).encode()
