"""Real storage faults for tests: a full disk, a read-only database file, a write lock held elsewhere.

- A full disk is a small tmpfs filled to the last byte (mounting needs root; without it the
  tests that need one are skipped with that reason).
- A read-only file is made immutable with `chattr +i` when running as root (root ignores file
  modes), otherwise its mode is set to 0444.
- A held lock is a second connection inside BEGIN IMMEDIATE, as another process would hold it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

FAULTS = ("full", "read-only", "locked")


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def mount_small_disk(where: Path, size: str = "8m") -> None:
    """Mount a small tmpfs at `where`, or skip the test when this machine does not allow it."""
    where.mkdir(parents=True, exist_ok=True)
    if not _is_root() or shutil.which("mount") is None:
        pytest.skip("a real full disk needs a small tmpfs, and mounting one needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")


def unmount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


@contextlib.contextmanager
def disk_full(directory: Path) -> Iterator[None]:
    """Fill the file system `directory` is on to the last byte; free the space again afterwards."""
    filler = directory / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        block = b"\0" * 65536
        while True:
            try:
                os.write(fd, block)
            except OSError:
                if len(block) == 1:
                    break
                block = block[: len(block) // 2]
    finally:
        os.close(fd)
    try:
        yield
    finally:
        filler.unlink()


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make the database file read-only: immutable as root, mode 0444 otherwise."""
    if _is_root() and shutil.which("chattr"):
        subprocess.run(["chattr", "+i", str(path)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(mode)


@contextlib.contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """Hold the database's write lock from a second connection, as an outside process would."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def fault(kind: str, db_path: Path) -> contextlib.AbstractContextManager:
    """The fault of this kind on the database at `db_path` (for "full", it must live on a small disk)."""
    if kind == "full":
        return disk_full(db_path.parent)
    if kind == "read-only":
        return read_only(db_path)
    if kind == "locked":
        return write_lock(db_path)
    raise ValueError(kind)
