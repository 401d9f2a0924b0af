"""What every lease in Podium shares (scoring.leases for submissions, execution.leases for sandbox runs): a
holder's name, and a thread that renews the lease while the work runs."""

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection

logger = logging.getLogger(__name__)


def new_holder() -> str:
    """A name for one attempt: the machine, the process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


@contextmanager
def renewed_while_running(renew: Callable[[], bool], *, interval: float, name: str) -> Iterator[None]:
    """Call `renew` from a background thread every `interval` seconds for as long as the block runs, until
    it returns False (the lease was taken over). A database error skips one beat and opens a fresh
    connection; the thread closes its own connection when it ends."""
    stop = threading.Event()

    def renew_until_stopped() -> None:
        try:
            while not stop.wait(interval):
                try:
                    if not renew():
                        return  # taken over: nothing more to renew
                except Exception:  # a database blink: try again at the next beat, with a fresh connection
                    logger.warning("Could not renew the lease on %s", name, exc_info=True)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    renewer = threading.Thread(target=renew_until_stopped, name=f"lease-{name}", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
