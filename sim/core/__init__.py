"""The Numba core: rules, stage kernels, state arrays, random streams."""
