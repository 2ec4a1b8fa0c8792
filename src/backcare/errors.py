"""Errors that carry one user-facing sentence and an exit code."""


class BackcareError(Exception):
    """A problem with data or files: exit code 1."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(BackcareError):
    """A value the user typed is not acceptable: exit code 2."""

    exit_code = 2


class StoreError(BackcareError):
    """The database cannot be used as it is."""


class ContentError(BackcareError):
    """A YAML content file (bundled or a physio's routine) is not valid."""
