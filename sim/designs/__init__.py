"""Organisation forms. Each form builds its teams and members into a model.

Only the broad integral team exists so far; other forms register here beside it.
"""

from sim.designs import integral

FORMS = {"integral": integral}


def build(model) -> None:
    """Build the teams of the model's design through its form's module."""
    FORMS[model.design.form].build(model)
