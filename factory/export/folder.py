"""Replace a folder as a whole: build it in a hidden sibling, then swap it into place in one rename.

A kill -9 or a full disk mid-export leaves the old export (or none) plus a stale sibling, never a
half-written folder, so the next export simply redoes the work. Each builder holds a `flock` on
its sibling while it lives (the kernel drops it when the process dies), so the cleanup at the next
export removes only the siblings of dead builders.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def sibling_prefix(target: Path) -> str:
    return f".{target.name}.factory-tmp-"


def clean_stale(target: Path) -> list[Path]:
    """Remove the build folders of exports that died (killed, disk full, power cut); returns them."""
    removed: list[Path] = []
    if not target.parent.is_dir():
        return removed
    prefix = sibling_prefix(target)
    for p in target.parent.iterdir():
        if not p.name.startswith(prefix) or p.is_symlink() or not p.is_dir():
            continue
        try:
            fd = os.open(p, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live export is building there
        else:
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
        finally:
            os.close(fd)
    return removed


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_in(built: Path, target: Path) -> None:
    """`target` becomes `built`; the old contents end up at `built` (for the caller to remove)."""
    try:
        os.rename(built, target)  # no target yet, or an empty one
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    if _exchange(built, target):
        return
    old = Path(tempfile.mkdtemp(prefix=sibling_prefix(target), dir=target.parent))
    os.rename(target, old / "old")  # no atomic swap here: a moment without target, never a half one
    os.rename(built, target)
    os.rename(old, built)


class Staged:
    """`with Staged(out, owned) as tmp:` write into tmp; on success tmp replaces out in one step.

    `owned(out)` says whether an existing non-empty `out` is ours to replace (else: refused).
    """

    def __init__(self, target: Path, owned: Callable[[Path], bool]):
        target = Path(target)
        self.target = target.resolve() if target.is_symlink() else target  # replace what it points at
        self.owned = owned
        self.tmp: Path | None = None
        self._fd: int | None = None

    def check(self) -> None:
        t = self.target
        if t.exists() and not t.is_dir():
            raise ValueError(f"{t}: exists and is not a folder (refusing to overwrite)")
        if t.is_dir() and any(t.iterdir()) and not self.owned(t):
            raise ValueError(f"{t}: not empty and not a factory export folder (refusing to overwrite)")

    def __enter__(self) -> Path:
        self.check()
        self.target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(self.target)
        self.tmp = Path(tempfile.mkdtemp(prefix=sibling_prefix(self.target), dir=self.target.parent))
        self.tmp.chmod(0o755)  # mkdtemp makes it 0700; an export folder is as readable as any
        self._fd = os.open(self.tmp, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.tmp is not None and self._fd is not None
        try:
            if exc_type is None:
                self.check()
                swap_in(self.tmp, self.target)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)  # the old export, or the failed new one
            os.close(self._fd)
            self._fd = None
