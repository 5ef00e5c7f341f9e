"""Which residents a stage visits: lists of rows, built without branches.

Most residents have no problem and no case. A stage that scans every row and skips
those pays a mispredicted branch for most residents that do have one (they come in no
pattern), which cost more than the work itself. Building the list of busy rows once a
week, with a write per row and no branch, costs a tenth of that; the stages then walk
the list. Within a row, `LOWEST_BIT` walks a resident's domains as a bit mask, one turn
per problem.
"""

import numpy as np
from numba import njit

from sim.domains import C_NONE

LOWEST_BIT = np.array([0] + [(m & -m).bit_length() - 1 for m in range(1, 64)], np.int64)  # lowest set bit of 0..63


@njit(cache=True, nogil=True)
def busy_rows(n_active, c_state, out):
    """Write the rows of residents with a problem or a case to `out`, in row order; returns how many."""
    n = 0
    for i in range(n_active.shape[0]):
        out[n] = i  # written for every row, kept only when the count moves on
        n += (n_active[i] != 0) | (c_state[i] != C_NONE)
    return n


@njit(cache=True, nogil=True)
def move_rows(src, dst, old, rows):
    """Copy row old[i] of `src` to row rows[i] of `dst` (2-D arrays: a 1-D one as one column), in one pass.

    A census lays the state out afresh this way (sim.demography): rows keep their order, so
    both sides are read and written front to back, without the temporaries of fancy indexing.
    """
    width = src.shape[1]
    for i in range(old.shape[0]):
        o, r = old[i], rows[i]
        for j in range(width):
            dst[r, j] = src[o, j]


@njit(cache=True, nogil=True)
def move_rows_in_place(a, old, rows):
    """Copy row old[i] of `a` to row rows[i] of the same array, for `old` and `rows` both increasing.

    Rows that move towards the front are copied front to back, then rows that move towards the
    back are copied back to front: with both sequences increasing, neither pass writes a row
    that a copy still to come reads (sim.demography lays the state out afresh this way).
    """
    width = a.shape[1]
    for i in range(old.shape[0]):
        o, r = old[i], rows[i]
        if r <= o:
            for j in range(width):
                a[r, j] = a[o, j]
    for i in range(old.shape[0] - 1, -1, -1):
        o, r = old[i], rows[i]
        if r > o:
            for j in range(width):
                a[r, j] = a[o, j]
