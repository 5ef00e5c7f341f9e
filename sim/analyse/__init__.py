"""Sensitivity analysis and scenario discovery on sweep job folders (`wijkteam analyse`).

`sweep` reads a job folder and maps its runs back onto the experiment's sample; `sobol`
and `morris` compute SALib indices for sweeps sampled for them, `features` scores the
parameters of any sweep with extra trees, `prim` finds PRIM boxes (EMA Workbench) for a
threshold on an outcome; `page` writes the tables and Plotly figures.
"""
