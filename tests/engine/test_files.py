"""Atomic writes: what the user saved is never half-written, and reads like a normal file."""

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograd.files import TEMP_MARKER, check_writable, write_atomically


def test_writes_bytes_and_text_and_returns_the_path(tmp_path):
    assert write_atomically(tmp_path / "a.bin", b"\x00\x01") == str(tmp_path / "a.bin")
    write_atomically(tmp_path / "b.txt", "σ'(z) = σ(1−σ)")
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "σ'(z) = σ(1−σ)"
    assert sorted(os.listdir(tmp_path)) == ["a.bin", "b.txt"]  # no temp file left


def test_permissions_follow_the_umask_like_open(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomically(tmp_path / "picture.svg", "<svg/>")
        with open(tmp_path / "plain.txt", "w") as f:
            f.write("x")
    finally:
        os.umask(old)
    mode = stat.S_IMODE(os.stat(tmp_path / "picture.svg").st_mode)
    assert mode == stat.S_IMODE(os.stat(tmp_path / "plain.txt").st_mode) == 0o644


def test_a_failed_write_keeps_the_earlier_file(tmp_path):
    target = tmp_path / "model.json"
    target.write_text("old")

    class Unwritable:
        pass

    with pytest.raises(TypeError):
        write_atomically(target, Unwritable())
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["model.json"]


def test_missing_directory_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"cannot write .*m\.json: directory .*nowhere does not exist"):
        write_atomically(tmp_path / "nowhere" / "m.json", "{}")


# -- replacing a file keeps what the user set up --------------------------------------------

def test_replacing_keeps_the_files_mode(tmp_path):
    target = tmp_path / "private.json"
    target.write_text("old")
    os.chmod(target, 0o600)
    write_atomically(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    os.chmod(target, 0o640)
    write_atomically(target, "newer")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_a_symlink_is_followed_and_kept(tmp_path):
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "model.json"
    real.write_text("old")
    os.chmod(real, 0o600)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomically(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o600
    assert os.listdir(tmp_path / "real") == ["model.json"]   # the temp file went beside the target
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "real" / "later.json")
    write_atomically(dangling, "created")
    assert (tmp_path / "real" / "later.json").read_text() == "created"


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o044])
def test_a_read_only_file_is_refused_and_kept(tmp_path, mode):
    target = tmp_path / "keep.json"
    target.write_text("old")
    os.chmod(target, mode)
    with pytest.raises(PermissionError, match=rf"cannot write .*keep\.json: the file is read-only "
                                              rf"\(mode {mode:04o}\)"):
        write_atomically(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["keep.json"]
    with pytest.raises(PermissionError, match="read-only"):
        check_writable(target)


def special_files(tmp_path):
    """Stand-ins under tmp_path for what must never be replaced by a regular file (the
    system's own /dev/null is never written to: were it missing, a write would make one):
    a FIFO, a UNIX socket, and a character device like /dev/null where the system lets
    this process make one."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    found = {"FIFO": fifo}
    if hasattr(socket, "AF_UNIX"):
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(tmp_path / "sock"))
        server.close()
        found["socket"] = tmp_path / "sock"
    try:
        os.mknod(tmp_path / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        found["device"] = tmp_path / "null"
    except (PermissionError, OSError):
        pass   # creating device nodes needs privileges
    return found


def test_directories_and_special_files_are_refused(tmp_path):
    with pytest.raises(IsADirectoryError, match="it is a directory"):
        write_atomically(tmp_path, "x")
    for kind, path in special_files(tmp_path).items():
        before = os.stat(path).st_mode
        with pytest.raises(PermissionError, match=rf"{path.name}: it is not a regular file"):
            write_atomically(path, "x")
        assert os.stat(path).st_mode == before, kind            # still what it was
    assert sorted(n for n in os.listdir(tmp_path) if TEMP_MARKER in n) == []


def test_the_refusal_test_is_safe_where_a_system_file_is_missing(tmp_path, monkeypatch):
    # On a shared machine /dev/null was once momentarily missing, and a test that wrote to
    # it expecting a refusal created a regular file there, breaking every other process.
    # Replay that moment: the system's null device is missing, and any write outside the
    # test's own folder is recorded (and stopped) instead of made.
    missing = os.path.join(os.sep, "dev", "null")
    outside = []
    real_stat, real_open = os.stat, os.open

    def stat_(path, *args, **kwargs):
        if os.fspath(path) == missing:
            raise FileNotFoundError(2, "No such file or directory", missing)
        return real_stat(path, *args, **kwargs)

    def open_(path, flags, *args, **kwargs):
        if not os.path.realpath(path).startswith(str(tmp_path)):
            outside.append(os.fspath(path))
            raise PermissionError(13, "recorded, not written", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat_)
    monkeypatch.setattr(os, "open", open_)
    case = tmp_path / "case"
    case.mkdir()
    test_directories_and_special_files_are_refused(case)
    assert outside == []


@pytest.mark.parametrize("failure", [KeyboardInterrupt, OSError])
def test_no_temporary_file_is_left_on_any_error(tmp_path, monkeypatch, failure):
    target = tmp_path / "model.json"
    target.write_text("old")
    names = []
    real_fsync = os.fsync

    def failing_fsync(fd):
        names.extend(os.listdir(tmp_path))
        real_fsync(fd)
        raise failure("interrupted while writing")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(failure):
        write_atomically(target, "new" * 10**6)
    assert os.listdir(tmp_path) == ["model.json"] and target.read_text() == "old"
    # While it existed, the temporary file was hidden and named as backproplab's.
    temp = [n for n in names if n != "model.json"]
    assert len(temp) == 1 and temp[0].startswith(".model.json" + TEMP_MARKER)


# -- after kill -9: the next save removes the temporary files a killed writer left -------------

def killed_while_saving(tmp_path):
    """A child process that was saving tmp_path/model.json when it got kill -9, after its
    temporary file was written in full; returns that file's name."""
    code = ("import os, sys, time\n"
            "from autograd import files\n"
            "def stuck(src, dst):\n"
            "    print('written', flush=True)\n"
            "    time.sleep(120)\n"
            "os.replace = stuck\n"
            f"files.write_atomically({str(tmp_path / 'model.json')!r}, 'new' * 100000)\n")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "written\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    (left,) = [n for n in os.listdir(tmp_path) if TEMP_MARKER in n]
    assert left.startswith(f".model.json{TEMP_MARKER}{child.pid}-")
    return left


def test_the_next_save_removes_what_a_killed_writer_left(tmp_path):
    (tmp_path / "model.json").write_text("old")
    killed_while_saving(tmp_path)
    assert (tmp_path / "model.json").read_text() == "old"     # the atomic write held
    write_atomically(tmp_path / "model.json", "newer")
    assert os.listdir(tmp_path) == ["model.json"]
    assert (tmp_path / "model.json").read_text() == "newer"


def test_only_stale_temporaries_of_the_same_target_are_removed(tmp_path):
    ours = f".model.json{TEMP_MARKER}{os.getpid()}-0123abcd"       # a live writer: this one
    (tmp_path / ours).write_text("being written")
    reused = f".model.json{TEMP_MARKER}{os.getpid()}-89abcdef"     # its PID now someone else's
    (tmp_path / reused).write_text("left an hour before this process started")
    an_hour_ago = time.time() - 3600 - time.monotonic() % 1
    os.utime(tmp_path / reused, (an_hour_ago, an_hour_ago - 10**5))
    other_target = f".picture.svg{TEMP_MARKER}99999999-0123abcd"
    not_ours = [".model.json.swp", f".model.json{TEMP_MARKER}1a2b3c4d", "model.json.bak",
                other_target]
    for name in not_ours:
        (tmp_path / name).write_text("keep")
    write_atomically(tmp_path / "model.json", "new")
    assert sorted(os.listdir(tmp_path)) == sorted(["model.json", ours, *not_ours])
