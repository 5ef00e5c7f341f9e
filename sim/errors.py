"""The one error type for bad user input: a list of problem lines, each naming file, field and allowed range."""


class ProblemsError(Exception):
    """Input that cannot be used; `problems` holds one line per problem, the message joins them."""

    def __init__(self, problems: list[str]):
        """Keep the problem lines."""
        super().__init__("\n".join(problems))
        self.problems = problems
