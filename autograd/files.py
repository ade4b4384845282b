"""Writing files so that nothing a user saved is ever half-written or loses what it had."""

import contextlib
import os
import stat

TEMP_MARKER = ".backproplab-tmp-"
"""Part of every temporary file's name (``.NAME.backproplab-tmp-1a2b3c4d``), so one left by
a killed process (``kill -9`` leaves no chance to clean up) is recognisable as ours."""


def write_atomically(path, data):
    """Write ``data`` (bytes, or str as UTF-8) to ``path`` and return ``path`` as a str.

    The data goes to a temporary file beside the target, is flushed to disk,
    and only then renamed over it (``os.replace``, atomic on POSIX and
    Windows): a reader sees the old file or the new one, never a torn one, and
    any failure (an exception, Ctrl-C) removes the temporary file and leaves
    an earlier file at ``path`` untouched.

    Replacing a file keeps what the user set up: a symbolic link is followed
    (its target is rewritten, the link stays), the file's permission bits are
    kept (a 0600 file stays private), and a read-only file is refused with a
    PermissionError instead of being silently replaced.  A new file gets the
    permissions a plain ``open()`` would give it (the umask applies).
    """
    path = os.fspath(path)
    target, mode = check_writable(path)
    directory = os.path.dirname(target)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = os.path.join(directory,
                       f".{os.path.basename(target)}{TEMP_MARKER}{os.urandom(4).hex()}")
    # O_EXCL: never reuse another writer's temp file; 0o666 lets the umask decide, as open().
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            if mode is not None:
                os.fchmod(f.fileno(), mode)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def check_writable(path):
    """``(target, mode)``: the file :func:`write_atomically` would write for ``path``
    (symlinks followed) and the permission bits it would keep (None for a new file).

    The errors it would raise come here, so a command can check its output files
    before a long run: FileNotFoundError for a missing directory, IsADirectoryError,
    PermissionError for a read-only file or one that is not a regular file.
    """
    path = os.fspath(path)
    target = os.path.realpath(path)   # through any symlinks: rewrite the file, keep the link
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"cannot write {path}: directory {directory} does not exist")
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return target, None
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(f"cannot write {path}: it is a directory")
    if not stat.S_ISREG(st.st_mode):
        # Replacing /dev/null or a pipe with a regular file would break the system's copy.
        raise PermissionError(f"cannot write {path}: it is not a regular file")
    mode = stat.S_IMODE(st.st_mode)
    # The write bits, not os.access: root may write anything, yet a file its owner
    # made read-only is still one the user meant to keep.
    if not mode & stat.S_IWUSR or not os.access(target, os.W_OK):
        raise PermissionError(f"cannot write {path}: the file is read-only "
                              f"(mode {mode:04o}); make it writable or choose another name")
    return target, mode
