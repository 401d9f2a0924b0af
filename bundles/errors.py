"""What is wrong with an uploaded bundle: every problem found, each naming the file and the key."""

from dataclasses import asdict, dataclass

from config.errors import DomainError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the bundle: `competition.yaml: phases[1].tasks[0]: task 3 does not exist`."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message}" if self.key else f"{self.file}: {self.message}"

    def as_dict(self) -> dict:
        return {**asdict(self), "text": str(self)}


class BundleError(DomainError):
    """The bundle cannot be imported; `details["errors"]` lists every problem found, the message too."""

    code = "invalid_bundle"

    def __init__(self, problems: list[Problem], *, code: str | None = None):
        problems = list(dict.fromkeys(problems))  # a program two tasks share is reported once
        self.problems = problems
        count = len(problems)
        heading = "The bundle cannot be imported" + (f" ({count} problems)" if count > 1 else "")
        super().__init__(
            f"{heading}: "
            + " ".join(f"{problem}" if str(problem).endswith(".") else f"{problem}." for problem in problems),
            code=code,
            details={"errors": [problem.as_dict() for problem in problems]},
        )


class BadBundleArchive(BundleError):
    """The zip itself is refused (not a zip, over a limit, a path that escapes): nothing in it is read."""

    code = "bad_bundle_archive"

    def __init__(self, file: str, message: str):
        super().__init__([Problem(file=file, key="", message=message)])
