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

