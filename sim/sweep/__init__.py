"""The run engine for many simulations (compare, audit, sweep, calibrate) on Dask.

`engine.run_job` runs a list of `RunSpec`s into a job folder (`store.JobStore`),
deterministically and resumably; `experiment` turns an experiment file into run specs.
"""
