"""Where the time of one scoring goes, phase by phase, for the worker's timing log line."""

from time import perf_counter


class PhaseTimes:
    """Seconds per phase, added up lap by lap: `lap("parse")` books the time since the previous lap (or
    since the timer was made) to "parse". Two clock reads a phase, so it costs nothing next to scoring."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._since = perf_counter()

    def lap(self, phase: str) -> None:
        now = perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self._since
        self._since = now

    def milliseconds(self) -> dict[str, int]:
        return {f"{phase}_ms": round(seconds * 1000) for phase, seconds in self.seconds.items()}
