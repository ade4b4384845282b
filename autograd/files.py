"""Writing files so that nothing a user saved is ever half-written or loses what it had."""

import contextlib
import os
import stat

TEMP_MARKER = ".backproplab-tmp-"
"""Part of every temporary file's name (``.NAME.backproplab-tmp-PID-1a2b3c4d``, PID the
writing process), so one left by a killed process (``kill -9`` leaves no chance to clean
up) is recognisable as ours, and as stale once that process is gone."""

_PROCESS_START_SLACK = 2.0
"""Seconds: Linux gives a process's start time to the second (the boot time's resolution)."""


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
    permissions a plain ``open()`` would give it (the umask applies).  Temporary files
    of the same target that a killed writer left behind are removed first
    (:func:`remove_stale_temporaries`).
    """
    path = os.fspath(path)
    target, mode = check_writable(path)
    directory = os.path.dirname(target)
    if isinstance(data, str):
        data = data.encode("utf-8")
    name = os.path.basename(target)
    remove_stale_temporaries(directory, name)
    tmp = os.path.join(directory, f".{name}{TEMP_MARKER}{os.getpid()}-{os.urandom(4).hex()}")
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


def remove_stale_temporaries(directory, name):
    """Remove the temporary files of ``name`` in ``directory`` whose writer is gone.

    A writer killed with ``kill -9`` (or by a power cut) leaves its temporary file
    ``.NAME.backproplab-tmp-PID-…``.  It is stale when no process PID is running, or when
    the process now running as PID started after the file was last written (the PID was
    reused); a live writer's file is left alone.  Anything else in the directory is
    never touched."""
    prefix = f".{name}{TEMP_MARKER}"
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        pid = _writer_pid(entry.name, prefix)
        if pid is None:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and not _running_since(pid, st.st_mtime):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _writer_pid(filename, prefix):
    """The PID in a temporary file name ``PREFIXPID-xxxxxxxx``, else None."""
    if not filename.startswith(prefix):
        return None
    pid, dash, token = filename[len(prefix):].partition("-")
    if not (pid.isdigit() and dash and len(token) == 8
            and all(c in "0123456789abcdef" for c in token)):
        return None
    return int(pid)


def _running_since(pid, written):
    """Whether process ``pid`` runs and may have written a file last modified at ``written``
    (it started before then; unknown start time: assume so)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass   # running, as another user
    except (OverflowError, ValueError, OSError):
        return False
    started = _start_time(pid)
    return started is None or started <= written + _PROCESS_START_SLACK


def _start_time(pid):
    """When process ``pid`` started, in seconds since the epoch (Linux /proc), else None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            ticks = int(f.read().rsplit(b")", 1)[1].split()[19])
        with open("/proc/stat", "rb") as f:
            boot = next(int(line.split()[1]) for line in f if line.startswith(b"btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None
