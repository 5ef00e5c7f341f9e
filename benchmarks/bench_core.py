"""Speed and memory of the Numba core, printed as `key: value` lines.

- compile_seconds: compiling every kernel from a cold cache (in a fresh subprocess).
- city_1m_520w_seconds: a 1,000,000-resident city (Grootstad scaled up), 520 simulated
  weeks (104 burn-in + 416 recorded), the full weekly model with recording.
- numba_resident_weeks_per_s: residents x weeks / that time.
- peak_rss_mb_1m: peak resident memory of the process that ran the city.
- reference_resident_weeks_per_s, numba_small_resident_weeks_per_s, speedup_vs_reference:
  the small municipality (Kleindorp scaled to 20,000 residents), 52 weeks timed after a
  52-week burn-in, on the pure-Mesa reference and on the Numba core, same seed: both engines time
  the same simulated weeks, as a town's problems and cases still grow in that year and a week
  costs more the more residents are busy. The engines take turns five times, each turn a fresh
  run of each (the core's 52 timed weeks back to back, as in a real run), and each engine's rate
  is that of its best turn, so a machine shared with other work slows the turns it happens to
  fall on, not the figures.

With --change the city's neighbourhood teams merge into eight district teams halfway through the
recorded weeks (a reorganisation: teams rebuilt, open cases handed over, learning every week
after it), and its GGZ places grow by half a quarter of the way in.

With --demography the city's residents die, are born, move and age each year (the [demography]
table of scenarios/kleindorp-vergrijzing.toml); the burn-in keeps the age bands while residents
turn over, the recorded years lay the state out afresh at each census.

Run on one core: NUMBA_NUM_THREADS=1 is set before Numba loads.
Usage: python benchmarks/bench_core.py [--residents N] [--weeks N] [--burn-in N] [--change] [--demography]
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COMPILE_PROBE = """
import time
t0 = time.perf_counter()
from sim.run import simulate
from sim.scenario import load, with_overrides
sc = load("scenarios/kleindorp.toml")
data = sc.model_dump(mode="json")
for n in data["neighbourhoods"]:
    n["residents"] = 200
data["meta"].update(weeks=3, burn_in_weeks=1)
sc = with_overrides(sc.model_validate(data))
t1 = time.perf_counter()
simulate(sc)
t2 = time.perf_counter()
simulate(sc)
t3 = time.perf_counter()
print((t2 - t1) - (t3 - t2))
"""


def compile_seconds() -> float:
    """Seconds to compile all kernels from an empty cache, measured in a fresh process."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, NUMBA_NUM_THREADS="1")
        out = subprocess.run([sys.executable, "-c", COMPILE_PROBE], cwd=ROOT, env=env, capture_output=True,  # noqa: S603
                             text=True, check=True, timeout=900)
    return float(out.stdout.strip().splitlines()[-1])


def city(residents: int, weeks: int, burn_in: int, change: bool = False, demography: bool = False):
    """Grootstad scaled to `residents` residents; with `change` a merger, with `demography` a changing population."""
    from sim.scenario import Scenario, load, with_overrides

    sc = load(ROOT / "scenarios" / "grootstad.toml")
    data = sc.model_dump(mode="json")
    scale = residents / sc.population
    for n in data["neighbourhoods"]:
        n["residents"] = int(round(n["residents"] * scale))
    data["meta"].update(weeks=weeks - burn_in, burn_in_weeks=burn_in)
    if demography:
        data["demography"] = load(ROOT / "scenarios" / "kleindorp-vergrijzing.toml").demography.model_dump(mode="json")
    if change:
        recorded = weeks - burn_in
        data["changes"] = [
            {"week": recorded // 4, "path": "specialists.ggz.places_per_10k",
             "value": 1.5 * data["specialists"]["ggz"]["places_per_10k"]},
            {"week": recorded // 2, "path": f"designs.{data['meta']['design']}.teams", "value": 8},
        ]
    return with_overrides(Scenario.model_validate(data))


def small_town(residents: int = 20_000):
    """Kleindorp scaled to `residents`, 52 burn-in weeks and 52 timed weeks."""
    from sim.scenario import Scenario, load, with_overrides

    sc = load(ROOT / "scenarios" / "kleindorp.toml")
    data = sc.model_dump(mode="json")
    scale = residents / sc.population
    for n in data["neighbourhoods"]:
        n["residents"] = int(round(n["residents"] * scale))
    data["meta"].update(weeks=52, burn_in_weeks=52)
    return with_overrides(Scenario.model_validate(data))


def timed_weeks(model, weeks: int) -> float:
    """Seconds for `weeks` steps of a model."""
    t0 = time.perf_counter()
    for _ in range(weeks):
        model.step()
    return time.perf_counter() - t0


def speed_ratio(turns: int = 5) -> None:
    """The reference and the Numba core on the same small town, same seed, same weeks, taking turns; best turns."""
    from sim.model import WijkteamModel
    from sim.reference.model import ReferenceModel

    sc = small_town()
    seconds = {"reference": float("inf"), "numba_small": float("inf")}  # best time for the 52 timed weeks
    for _ in range(turns):
        for name, engine in (("reference", ReferenceModel), ("numba_small", WijkteamModel)):
            model = engine(sc)
            timed_weeks(model, sc.meta.burn_in_weeks)
            seconds[name] = min(seconds[name], timed_weeks(model, sc.meta.weeks))
    rates = {name: sc.population * sc.meta.weeks / s for name, s in seconds.items()}
    for name, rate in rates.items():
        print(f"{name}_resident_weeks_per_s: {rate:.3e}")
    print(f"speedup_vs_reference: {rates['numba_small'] / rates['reference']:.1f}")


def main() -> None:
    """Measure and print the figures."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--residents", type=int, default=1_000_000)
    ap.add_argument("--weeks", type=int, default=520)
    ap.add_argument("--burn-in", type=int, default=104)
    ap.add_argument("--change", action="store_true", help="a merger halfway and more GGZ places (see above)")
    ap.add_argument("--demography", action="store_true", help="residents die, are born, move and age (see above)")
    args = ap.parse_args()

    print(f"compile_seconds: {compile_seconds():.1f}")
    from sim.model import WijkteamModel
    from sim.run import simulate

    simulate(city(20_000, 4, 1))  # load compiled kernels from the cache before timing
    sc = city(args.residents, args.weeks, args.burn_in, args.change, args.demography)
    print(f"demography: {'on' if sc.demography else 'off'}")
    print(f"changes: {'; '.join(f'week {c.week}: {c.path} = {c.value}' for c in sc.changes) or 'none'}")
    t0 = time.perf_counter()
    model = WijkteamModel(sc)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    n = sc.population  # at the start (with demography the city changes: residents_end)
    run_s = t2 - t1
    print(f"residents: {n}")
    print(f"residents_end: {model.residents_per_nbh.sum()}")
    print(f"weeks: {args.weeks}")
    print(f"build_seconds: {t1 - t0:.2f}")
    print(f"city_1m_520w_seconds: {run_s:.2f}")
    print(f"numba_resident_weeks_per_s: {n * args.weeks / run_s:.3e}")
    print(f"peak_rss_mb_1m: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    print(f"state_mb: {model.state.nbytes() / 1e6:.0f}")
    print(f"mean_problem_prevalence: {(model.state.people.n_active > 0).mean():.3f}")
    speed_ratio()


if __name__ == "__main__":
    main()
