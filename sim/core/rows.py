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
def move_rows(src, dst, new_row):
    """Copy each row i of `src` to row new_row[i] of `dst` (2-D arrays: a 1-D one as one column); -1: not copied.

    A census lays the state out afresh this way (sim.demography): one pass, both sides read and
    written mostly front to back, without the temporaries of fancy indexing.
    """
    width = src.shape[1]
    for i in range(new_row.shape[0]):
        r = new_row[i]
        if r >= 0:
            for j in range(width):
                dst[r, j] = src[i, j]


@njit(cache=True, nogil=True)
def move_rows_in_place(a, new_row, end):
    """Copy each row i of `a` to row new_row[i] of the same array, for the new rows below `end`, which increase with i.

    Rows that move towards the front are copied front to back, then rows that move towards the
    back are copied back to front: with the new rows in the old rows' order, neither pass writes
    a row that a copy still to come reads. Rows mapped to -1 or to `end` and beyond are not copied.
    """
    width = a.shape[1]
    for i in range(new_row.shape[0]):
        r = new_row[i]
        if 0 <= r < end and r <= i:
            for j in range(width):
                a[r, j] = a[i, j]
    for i in range(new_row.shape[0] - 1, -1, -1):
        r = new_row[i]
        if r < end and r > i:
            for j in range(width):
                a[r, j] = a[i, j]


@njit(cache=True, nogil=True)
def rows_at_home(start, home, first):
    """Each resident's row in a new layout: household h's members at `home`, in row order, from row first[h]; -1 else.

    `start` holds each household's first row (and the end) in the old layout (sim.demography).
    """
    out = np.full(home.shape[0], -1, np.int64)
    for h in range(start.shape[0] - 1):
        r = first[h]
        for i in range(start[h], start[h + 1]):
            if home[i]:
                out[i] = r
                r += 1
    return out
