from config.errors import DomainError


class ProgramRefused(DomainError):
    """A scoring program, its columns or its limits that Podium cannot take; the message names the file and
    the key, or the field, and the rule."""

    code = "invalid_scoring_program"
