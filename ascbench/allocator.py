"""Memory reuse for large arrays (Linux with glibc only; elsewhere nothing happens).

glibc hands out blocks larger than its mmap threshold (at most 32 MB, 4 million floats) as
fresh memory mapped for that one array and unmapped when it is freed, so every large
temporary of a national-scale run is faulted in page by page afresh. Where first touching
memory is slow, as on virtual machines, that costs more than the arithmetic (2-20 ns per
element against about 1 ns: docs/performance.md). Raising the threshold lets freed blocks
be reused from the heap instead: at 10 million metric rows the compute stages took 25-70%
less time. It is set only once the data are loaded (the commands' ``load``): the CSV
parser grows its buffers by ``realloc``, which mapped blocks do in place and heap blocks by
copying, so reading with the threshold raised would leave the heap fragmented and raise peak
memory. ``ASCBENCH_MALLOC=system`` leaves the allocator alone.
"""

from __future__ import annotations

import os
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
THRESHOLD = 1 << 30  # blocks up to 1 GiB come from the reusable heap


def tune() -> bool:
    """Raise glibc's mmap and trim thresholds; True when they were set."""
    if not sys.platform.startswith("linux") or os.environ.get("ASCBENCH_MALLOC", "").lower() == "system":
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl, ...): nothing to tune
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, 2 * THRESHOLD))
