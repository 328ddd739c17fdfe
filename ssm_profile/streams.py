"""What reaches stdout, stderr and ``--out`` files, and how a failure to write is reported.

The one place where ssm-profile's output is written: every ``error:`` and ``warning:`` line
is :func:`~ssm_profile.errors.visible`, a character the stream's encoding lacks is written as
its JSON escape (``\\u00e9``), which keeps ``--format json`` valid JSON, and a file is
written whole or not at all.
"""

from __future__ import annotations

import codecs
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import SsmProfileError, visible

# The codec error handler of stdout, stderr and --out files: what an encoding lacks, as JSON
# escapes (a lone surrogate too, which even UTF-8 cannot hold).
ESCAPE = "ssm_profile.escape"


def _escape_unencodable(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return json.dumps(error.object[error.start : error.end])[1:-1], error.end


codecs.register_error(ESCAPE, _escape_unencodable)


class OutputError(SsmProfileError):
    """stdout cannot be written: closed, a broken pipe, a full disk."""


def why(error: OSError) -> str:
    return error.strerror or type(error).__name__


def silence_stdout() -> None:
    """Point a failed stdout at the null device, so that the interpreter's last flush does
    not fail again (a broken pipe) after the error is reported."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def output(action: Callable[[], object]) -> None:
    """Write or flush stdout; a failure is one :class:`OutputError`."""
    try:
        action()
    except OSError as error:
        silence_stdout()
        raise OutputError(f"stdout: cannot write ({why(error)})") from None


def print_out(text: str) -> None:
    if sys.stdout is None:  # started with stdout closed
        raise OutputError("stdout: cannot write (it is closed)")
    output(lambda: sys.stdout.write(text))


def error_line(text: str, kind: str = "error") -> None:
    """``error: <text>`` (or ``warning:``) on stderr; nothing when stderr itself is gone."""
    try:
        sys.stderr.write(f"{kind}: {visible(text)}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def discard(path: Path) -> None:
    """Remove a file that must not be mistaken for this run's plan, if it can be."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def write_file(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all: a temporary file in the same folder, then renamed
    over it (a symlink there is replaced, never written through). On failure, no file of
    this name is left."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise SsmProfileError(f"--out {folder}: not a folder") from None
    except OSError as error:
        raise SsmProfileError(f"--out {folder}: cannot create it ({why(error)})") from None
    temporary = folder / f".{path.name}.tmp"
    try:
        temporary.unlink(missing_ok=True)
        with open(temporary, "x", encoding="utf-8", errors=ESCAPE) as file:
            file.write(text)
        os.replace(temporary, path)
    except OSError as error:
        discard(temporary)
        discard(path)
        raise SsmProfileError(f"{path}: cannot write ({why(error)})") from None


def escape_what_streams_cannot_encode() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors=ESCAPE)
        except (AttributeError, OSError, ValueError):
            pass  # not a text stream of this process (closed, or replaced)
