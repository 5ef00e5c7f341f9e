"""The code's layout rules: layers import only downwards; kernels over named state take few arguments.

The layers are those of docs/architecture.md.
"""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from numba.core.registry import CPUDispatcher

import sim.core
from sim.model import WijkteamModel

MAX_ARGUMENTS = 8
SIM = Path(sim.core.__file__).resolve().parent.parent

# Lowest first: a module may import from its own layer and those below, never from a higher one.
LAYERS = [
    {"domains", "errors", "dotted", "markdown", "intervals", "flows", "queueing", "steady", "units", "paths",
     "preflight"},
    {"scenario", "tables", "provenance", "budgets"},
    {"core"},
    {"population", "agents", "demography"},
    {"designs"},
    {"recorder"},
    {"model", "reference"},
    {"run", "output"},
    {"sweep"},
    {"compare", "audit", "calibrate", "cbs_init", "analyse"},
    {"report"},
    {"app"},
    {"cli", "__main__", "__init__"},
]
LAYER = {unit: k for k, units in enumerate(LAYERS) for unit in units}


def unit_of(path: Path) -> str:
    """The layer unit of a file: its sub-package or its module under sim/."""
    return path.relative_to(SIM).parts[0].removesuffix(".py")


def imported_units(path: Path) -> set[str]:
    """The sim units a file imports."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "sim":
            parts = node.module.split(".")
            out |= {parts[1]} if len(parts) > 1 else {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name.split(".")[1] for a in node.names if a.name.startswith("sim.")}
    return out


FILES = sorted(SIM.rglob("*.py"))


def test_every_unit_has_a_layer():
    assert {unit_of(f) for f in FILES} <= set(LAYER)


@pytest.mark.parametrize("path", FILES, ids=[str(f.relative_to(SIM)) for f in FILES])
def test_no_module_imports_a_higher_layer(path):
    mine = LAYER[unit_of(path)]
    higher = {u for u in imported_units(path) if LAYER[u] > mine}
    assert not higher, f"{path.relative_to(SIM)} (layer {mine}) imports {higher}"


def kernels():
    """Every Numba-compiled function defined in sim.core, by its dotted name."""
    out = {}
    for info in pkgutil.iter_modules(sim.core.__path__):
        module = importlib.import_module(f"sim.core.{info.name}")
        for name, obj in vars(module).items():
            if isinstance(obj, CPUDispatcher) and obj.py_func.__module__ == module.__name__:
                out[f"{module.__name__}.{name}"] = obj.py_func
    return out


KERNELS = kernels()


def test_the_stage_kernels_are_found():
    stages = {name.rsplit(".", 1)[1] for name in KERNELS if name.endswith("_stage")}
    assert stages == {"onset_stage", "signal_stage", "household_stage", "casework_stage", "loket_stage",
                      "record_stage"}


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_no_kernel_takes_more_than_eight_arguments(name):
    assert len(inspect.signature(KERNELS[name]).parameters) <= MAX_ARGUMENTS


def test_no_model_method_takes_more_than_eight_arguments():
    methods = inspect.getmembers(WijkteamModel, predicate=inspect.isfunction)
    assert len(methods) > 10
    for name, method in methods:
        assert len(inspect.signature(method).parameters) - 1 <= MAX_ARGUMENTS, name
