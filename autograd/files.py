"""Writing files so that nothing a user saved is ever half-written."""

import contextlib
import os


def write_atomically(path, data):
    """Write ``data`` (bytes, or str as UTF-8) to ``path`` and return ``path`` as a str.

    The data goes to a temporary file in the same directory, is flushed to disk,
    and only then renamed over ``path`` (``os.replace``, atomic on POSIX and
    Windows): a reader sees the old file or the new one, never a torn one, and a
    failure leaves an earlier file at ``path`` untouched.  The file gets the
    permissions a plain ``open()`` would give it (the umask applies).
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"cannot write {path}: directory {directory} does not exist")
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.urandom(4).hex()}.tmp")
    try:
        with open(tmp, "xb") as f:  # "x": never reuse another writer's temp file
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path
