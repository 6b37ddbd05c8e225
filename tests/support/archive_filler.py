#!/usr/bin/python3
"""
A second client that fills a server's archives for history tests: it sends numbered messages to a
contact or into a room (joining it first), optionally correcting one of them (XEP-0308), and
exits. slixmpp is an independent implementation, so what the archive holds is what another
client really sent.

Usage: archive_filler.py BARE_JID PASSWORD HOST PORT CAFILE
Reads one JSON command on stdin:
  {"to": "alice@localhost", "type": "chat", "prefix": "old", "count": 120,
   "correct": {"index": 7, "body": "old 7 (corrected)", "after": 150}}
  {"to": "room@conference.localhost", "type": "groupchat", "nick": "Filler", "prefix": "r", "count": 60}
Message i has the body "<prefix> <i>." (from 1; the full stop ends the number; with "wordy": true, after 0 to 39 words) and the id "<prefix>-<i>"; a correction replaces
message "index", sent right after message "after" (the last by default). Writes {"event": "done"} (or {"event": "error"}) on stdout.
"""
import asyncio
import json
import sys
from typing import Any

from slixmpp import ClientXMPP


def emit(**event: Any) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


class Filler(ClientXMPP):
    def __init__(self, jid: str, password: str, command: dict) -> None:
        super().__init__(jid, password)
        self.register_plugin("xep_0045")
        self.register_plugin("xep_0308")
        self.register_plugin("xep_0199")
        self.command = command
        self.finished = asyncio.get_event_loop().create_future()
        self.add_event_handler("session_start", self.on_start)

    async def on_start(self, _event: Any) -> None:
        try:
            await self.fill()
            self.finished.set_result(True)
        except Exception as error:  # noqa: BLE001 - reported to the test
            self.finished.set_exception(error)

    async def fill(self) -> None:
        c = self.command
        kind = c.get("type", "chat")
        self.send_presence()
        if kind == "groupchat":
            await self["xep_0045"].join_muc_wait(c["to"], c.get("nick", "Filler"), maxstanzas=0)
        correct = c.get("correct")
        for i in range(1, c["count"] + 1):
            message = self.make_message(mto=c["to"], mbody=body(c, i), mtype=kind)
            message["id"] = f"{c['prefix']}-{i}"
            message.send()
            if correct and i == correct.get("after", c["count"]):
                fix = self.make_message(mto=c["to"], mbody=correct["body"], mtype=kind)
                fix["id"] = f"{c['prefix']}-correction"
                fix["replace"]["id"] = f"{c['prefix']}-{correct['index']}"
                fix.send()
            if i % 50 == 0:
                await asyncio.sleep(0.05)  # let the server write its archive
        # A ping round trip: everything sent before it was taken in by the server.
        await self["xep_0199"].ping(self.boundjid.domain, timeout=30)


WORDS = ["wherefore", "art", "thou", "light", "yonder", "window", "breaks", "balcony"]


def body(c: dict, i: int) -> str:
    """"<prefix> <i>.", after 0 to 39 words when the command asks for wordy bodies (rows of many heights)."""
    if not c.get("wordy"):
        return f"{c['prefix']} {i}."
    words = " ".join(WORDS[(i + j) % len(WORDS)] for j in range((i * 7919) % 40))
    return f"{words} {c['prefix']} {i}.".lstrip()


async def run(bare: str, password: str, host: str, port: int, cafile: str) -> None:
    command = json.loads(sys.stdin.readline())
    filler = Filler(f"{bare}/filler", password, command)
    filler.ca_certs = cafile
    filler.connect((host, port))
    try:
        await asyncio.wait_for(filler.finished, 120)
        emit(event="done")
    except Exception as error:  # noqa: BLE001 - reported to the test
        emit(event="error", error=repr(error))
    filler.disconnect()
    await asyncio.sleep(0.2)


if __name__ == "__main__":
    asyncio.run(run(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]))
