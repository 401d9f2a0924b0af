"""The `podium` command-line client for a Podium server's REST API."""

__version__ = "0.1.0"
