"""The kernels' helpers for visiting rows: busy-row lists, lowest-bit table, prefetch."""

import numpy as np
from numba import njit

from sim.core.prefetch import prefetch
from sim.core.rows import LOWEST_BIT, busy_rows, move_rows, move_rows_in_place, rows_at_home


def test_busy_rows_lists_exactly_the_residents_with_a_problem_or_case():
    rng = np.random.default_rng(3)
    n_active = rng.choice(np.array([0, 0, 1, 2], np.int8), 10_000)
    c_state = rng.choice(np.array([0, 0, 0, 1, 2], np.int8), 10_000)
    out = np.empty(10_000, np.int64)
    n = busy_rows(n_active, c_state, out)
    assert np.array_equal(out[:n], np.flatnonzero((n_active != 0) | (c_state != 0)))


def test_lowest_bit_table():
    for m in range(1, 64):
        assert LOWEST_BIT[m] == (m & -m).bit_length() - 1


@njit
def _sum_with_prefetch(a, b, rows):
    total = 0.0
    for j in range(rows.shape[0]):
        if j + 2 < rows.shape[0]:
            prefetch(a, rows[j + 2])
            prefetch(b, rows[j + 2])
        total += a[rows[j]] + b[rows[j], 1]
    return total


def test_prefetch_compiles_for_the_kernels_array_kinds_and_changes_nothing():
    rng = np.random.default_rng(4)
    a = rng.random(1000).astype(np.float32)
    b = rng.random((1000, 6))
    for rows in (rng.integers(0, 1000, 50), rng.integers(0, 1000, 50).astype(np.int32)):
        expected = 0.0
        for r in rows:  # the same sum in the same order, without prefetches
            expected += float(a[r]) + float(b[r, 1])
        assert _sum_with_prefetch(a, b, rows) == expected


def test_moving_rows_in_place_equals_moving_them_to_a_new_array():
    rng = np.random.default_rng(5)
    for _ in range(20):  # rows that leave, rows that shift towards either end, as a census moves them
        n = int(rng.integers(1, 300))
        old = np.flatnonzero(rng.random(n) < 0.8)
        new_row = np.full(n, -1, np.int64)
        new_row[old] = np.sort(rng.choice(n + 40, old.size, replace=False))
        end = int(rng.integers(0, n + 41))  # rows mapped to `end` and beyond are left to the caller
        a = np.zeros((n + 40, 3))
        a[:n] = rng.random((n, 3))
        expected = np.full_like(a, -1.0)
        move_rows(a, expected, np.where(new_row < end, new_row, -1))
        move_rows_in_place(a, new_row, end)
        kept = new_row[(new_row >= 0) & (new_row < end)]
        assert np.array_equal(a[kept], expected[kept])


def test_rows_at_home_number_each_household_s_members_at_home_from_its_first_row():
    start = np.array([0, 3, 4, 7])
    home = np.array([True, False, True, False, True, True, True])
    first = np.array([10, -1, 12])  # the second household has nobody at home
    assert rows_at_home(start, home, first).tolist() == [10, -1, 11, -1, 12, 13, 14]
