"""Atomic writes: what the user saved is never half-written, and reads like a normal file."""

import os
import stat

import pytest

from autograd.files import write_atomically


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
