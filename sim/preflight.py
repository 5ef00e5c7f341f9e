"""Before anything runs: will the runs fit this machine? Run count and memory, estimated and refused with figures.

A run holds its state arrays and its tables in memory until they are written, so a job
needs about `workers × run_bytes` besides the driver. Measured: the peak resident set of one
`simulate` of grootstad scaled to 100,000 and 400,000 residents over 260 to 1,170 weeks was
342 MB for the libraries, about 70 MB more, and per resident about 240 bytes plus 36 per
simulated year (the case table grows with the weeks); the constants below round these up,
and the estimate lay 2-8 % above each of the four measurements. A job above CONFIRM_RUNS runs
or half of this machine's memory starts only with `--yes`; one above MAX_RUNS runs or 90 % of
the memory not at all.
"""

from __future__ import annotations

import os

import psutil

from sim.errors import ProblemsError

PROCESS_BYTES = 350 * 2**20  # measured: a process's libraries (numpy, numba, pandas, mesa) before its first run
RUN_BYTES = 70 * 2**20  # measured: what a run holds whatever its size
BYTES_PER_RESIDENT = 300  # measured: state arrays and weekly tables
BYTES_PER_RESIDENT_YEAR = 40  # measured: the case table, which grows with the weeks
CONFIRM_RUNS = 100_000
MAX_RUNS = 10_000_000
CONFIRM_SHARE = 0.5
MAX_SHARE = 0.9
GB = 2**30


class PreflightError(ProblemsError):
    """A job that would not fit this machine, or that is big enough to need --yes."""


def run_bytes(residents: int, weeks: int) -> int:
    """Estimated peak memory of one run of `residents` residents over `weeks` weeks (burn-in included)."""
    return int(PROCESS_BYTES + RUN_BYTES + residents * (BYTES_PER_RESIDENT + BYTES_PER_RESIDENT_YEAR * weeks / 52))


def machine_bytes() -> int:
    """This machine's memory."""
    return psutil.virtual_memory().total


def count_problems(runs: int, confirmed: bool) -> list[str]:
    """What is wrong with starting `runs` runs: too many, or many enough to need --yes."""
    if runs > MAX_RUNS:
        return [f"{runs:,} runs; allowed at most {MAX_RUNS:,} in one job (use fewer samples, levels or replications)"]
    if runs > CONFIRM_RUNS and not confirmed:
        return [f"{runs:,} runs, more than {CONFIRM_RUNS:,}; give --yes to start them "
                "(--dry-run of sweep estimates their time)"]
    return []


def memory_need(residents: int, weeks: int, parallel: int) -> int:
    """Estimated memory of `parallel` runs of this size at once, and of the process that drives them."""
    return int(parallel * run_bytes(residents, weeks) + PROCESS_BYTES)


def memory_problems(residents: int, weeks: int, parallel: int, confirmed: bool) -> list[str]:
    """What is wrong with running `parallel` runs of this size at once on this machine."""
    need, have = memory_need(residents, weeks, parallel), machine_bytes()
    what = (f"{parallel} run(s) at once of {residents:,} residents over {weeks:,} weeks need about "
            f"{need / GB:.1f} GB of memory ({run_bytes(residents, weeks) / GB:.2f} GB each)")
    if need > MAX_SHARE * have:
        return [f"{what}; this machine has {have / GB:.1f} GB, at most {MAX_SHARE:.0%} of it may be used "
                "(use fewer --workers, fewer residents or fewer weeks)"]
    if need > CONFIRM_SHARE * have and not confirmed:
        return [f"{what}, more than half of this machine's {have / GB:.1f} GB; give --yes to start"]
    return []


def parallel_runs(runs: int, workers: int | None, scheduler: str | None) -> int:
    """How many runs this machine holds at once: one per worker (one per core by default), none on a cluster."""
    if scheduler:
        return 0  # the cluster's workers have their own memory
    return max(1, min(runs, workers if workers is not None and workers > 0 else os.cpu_count() or 1))


def check_count(runs: int, confirmed: bool) -> None:
    """Refuse (PreflightError) a job of too many runs, or of many without --yes."""
    problems = count_problems(runs, confirmed)
    if problems:
        raise PreflightError(problems)


def check(runs: int, residents: int, weeks: int, workers: int | None, scheduler: str | None, confirmed: bool) -> None:
    """Refuse (PreflightError, with the estimate and the limit) a job this machine cannot or should not start."""
    problems = count_problems(runs, confirmed)
    parallel = parallel_runs(runs, workers, scheduler)
    if parallel and runs:
        problems += memory_problems(residents, weeks, parallel, confirmed)
    if problems:
        raise PreflightError(problems)
