"""The code's layout rules: kernels over named state take few arguments."""

import importlib
import inspect
import pkgutil

import pytest
from numba.core.registry import CPUDispatcher

import sim.core
from sim.model import WijkteamModel

MAX_ARGUMENTS = 8


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
