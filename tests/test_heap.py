"""The serving process's allocator gives large blocks back (`server/heap.py`)."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# In a fresh interpreter: free one 2 MiB block (by default glibc then raises its mmap threshold to
# 2 MiB), then ask for 1 MiB and print whether it was mapped on its own (mallinfo2's hblks grew),
# i.e. whether freeing it gives it back to the system instead of leaving it in an arena.
_PROBE = """
import ctypes, sys
sys.path.insert(0, {root!r})
from server.heap import keep_large_blocks_out_of_heap

class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                                               "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = (ctypes.c_size_t,)
libc.free.argtypes = (ctypes.c_void_p,)
if {fixed}:
    assert keep_large_blocks_out_of_heap()
libc.free(libc.malloc(2 << 20))
mapped = libc.mallinfo2().hblks
block = libc.malloc(1 << 20)
print(libc.mallinfo2().hblks - mapped)
libc.free(block)
"""


def _mapped_on_its_own(fixed: bool) -> bool:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(root=str(ROOT), fixed=fixed)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out) == 1


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or not hasattr(ctypes.CDLL(None), "mallinfo2"),
    reason="glibc 2.33 or later only",
)
def test_a_large_block_is_mapped_on_its_own_after_a_larger_one_was_freed() -> None:
    assert not _mapped_on_its_own(fixed=False)  # glibc's default: the threshold followed the freed block
    assert _mapped_on_its_own(fixed=True)
