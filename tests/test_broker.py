"""The embedded broker never hands a worker a half-written message (kombu's own filesystem transport
creates the message file empty and writes it afterwards; a polling worker could read it in between)."""

import json
import os
from pathlib import Path

from kombu import Connection

import config.broker
from config.broker import Transport


def connection(folder):
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder), "control_folder": str(folder)}
    return Connection("filesystem://", transport_options=options)


def test_filesystem_urls_use_the_atomic_transport(tmp_path):
    assert isinstance(connection(tmp_path).transport, Transport)


def test_a_message_appears_in_the_queue_only_once_it_is_whole(tmp_path, monkeypatch):
    seen_at_rename = []
    real_replace = os.replace

    def watching_replace(source, target):
        queued = [name for name in os.listdir(tmp_path) if name.endswith(".race.msg")]
        seen_at_rename.append((queued, json.loads(Path(source).read_bytes())))
        real_replace(source, target)

    monkeypatch.setattr(config.broker.os, "replace", watching_replace)
    queue = connection(tmp_path).SimpleQueue("race")

    queue.put({"submission": 42})

    [(queued_before, staged)] = seen_at_rename
    assert "body" in staged  # the whole message was written before it was renamed into the queue
    assert queued_before == []  # nothing a worker could pick up while the bytes were being written
    message = queue.get(timeout=1)
    message.ack()
    assert message.payload == {"submission": 42}


def test_a_message_being_staged_is_invisible_to_consumers(tmp_path):
    (tmp_path / ".staging-123").write_bytes(b"")
    inbox = connection(tmp_path).SimpleQueue("race")

    assert len(inbox) == 0
