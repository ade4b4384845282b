"""Atomic writes: what the user saved is never half-written, and reads like a normal file."""

import os
import stat

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


def test_directories_and_special_files_are_refused(tmp_path):
    with pytest.raises(IsADirectoryError, match="it is a directory"):
        write_atomically(tmp_path, "x")
    with pytest.raises(PermissionError, match="/dev/null: it is not a regular file"):
        write_atomically("/dev/null", "x")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(PermissionError, match="not a regular file"):
        write_atomically(fifo, "x")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


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
