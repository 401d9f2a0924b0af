"""The embedded broker: kombu's filesystem transport with atomic writes.

kombu writes a message file in place, and a worker polling the folder can move and read it before the
bytes are written; it then fails to decode an empty message and its consumer stops. Writing to a hidden
staging name and renaming it into the queue (atomic within one folder) means a worker only ever sees
whole messages.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

MAX_WAIT = 0.5  # seconds a worker waits for a message before it looks whether it was asked to stop


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        staging = os.path.join(self.data_folder_out, f".staging-{uuid.uuid4()}")  # never matches a queue
        try:
            with open(staging, "wb") as staged:
                staged.write(str_to_bytes(dumps(payload)))
            os.replace(staging, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel

    def drain_events(self, connection, timeout=None):
        # Celery's worker loop looks at a stop request (SIGTERM, Ctrl-C) only between two waits here, and it
        # waits 2 s at a time: shorter waits let a warm shutdown begin within half a second.
        if timeout:
            timeout = min(timeout, MAX_WAIT)
        return super().drain_events(connection, timeout=timeout)


def use_atomic_filesystem_transport() -> None:
    """Make `filesystem://` broker URLs mean this transport, in every process that loads the Celery app."""
    TRANSPORT_ALIASES["filesystem"] = "config.broker:Transport"
