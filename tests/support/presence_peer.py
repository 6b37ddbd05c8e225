#!/usr/bin/python3
"""
A contact with several devices for presence tests: one account, each resource its own slixmpp
client (its own connection, caps from its own disco identity), brought online, changed and taken
offline on command. slixmpp accepts subscription requests and asks back by itself.

Usage: presence_peer.py BARE_JID PASSWORD HOST PORT CAFILE
Reads JSON commands on stdin, one per line:
  {"cmd": "online", "resource": "desk", "show": "away", "status": "at my desk", "priority": 5,
   "client": "BobDesk", "type": "pc", "idle": "2026-12-06T10:00:00Z"}
                                           (connects the resource first if it is not online; "idle":
                                            an XEP-0319 <idle since=…/>, sent as given)
  {"cmd": "offline", "resource": "desk", "status": "bye"}
  {"cmd": "quit"}
Writes JSON events on stdout, one per line:
  {"event": "sent", "resource": "desk"}    (the presence went out)
  {"event": "offline", "resource": "desk"} (unavailable sent and disconnected)
  {"event": "error", "error": "..."}
"""
import asyncio
import json
import logging
import sys
from typing import Any, Dict, Optional

from xml.etree import ElementTree

from slixmpp import ClientXMPP

NS_IDLE = "urn:xmpp:idle:1"


def emit(**event: Any) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


class Device(ClientXMPP):
    def __init__(self, jid: str, password: str, client: str, kind: str) -> None:
        super().__init__(jid, password)
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0115")
        self.client_name = client
        self.kind = kind
        self.started = asyncio.get_event_loop().create_future()
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("disconnected", self.on_disconnected)
        self.gone = asyncio.get_event_loop().create_future()

    async def on_start(self, _event: Any) -> None:
        # The device's one identity (what its caps stand for), then the caps its presence carries.
        await self["xep_0030"].set_identities(identities={("client", self.kind, None, self.client_name)})
        await self["xep_0115"].update_caps(broadcast=False)
        if not self.started.done():
            self.started.set_result(True)

    def on_disconnected(self, _event: Any) -> None:
        if not self.gone.done():
            self.gone.set_result(True)


async def run(bare: str, password: str, host: str, port: int, cafile: str) -> None:
    devices: Dict[str, Device] = {}
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            break
        command = json.loads(line)
        try:
            resource: Optional[str] = command.get("resource")
            if command["cmd"] == "online":
                device = devices.get(resource)
                if device is None:
                    device = Device(f"{bare}/{resource}", password, command.get("client", "Peer"),
                                    command.get("type", "pc"))
                    device.ca_certs = cafile
                    device.connect((host, port))
                    devices[resource] = device
                    await asyncio.wait_for(device.started, 30)
                    await device.get_roster()
                presence = device.make_presence(
                    pshow=command.get("show") or None,
                    pstatus=command.get("status") or None,
                    ppriority=command.get("priority", 0),
                )
                if command.get("idle") is not None:
                    presence.xml.append(ElementTree.Element(f"{{{NS_IDLE}}}idle", {"since": command["idle"]}))
                presence.send()
                emit(event="sent", resource=resource)
            elif command["cmd"] == "offline":
                device = devices.pop(resource)
                device.send_presence(ptype="unavailable", pstatus=command.get("status") or None)
                await asyncio.sleep(0.2)
                device.disconnect()
                await asyncio.wait_for(device.gone, 30)
                emit(event="offline", resource=resource)
            elif command["cmd"] == "quit":
                break
        except Exception as error:  # reported to the test, which fails on it
            emit(event="error", error=f"{type(error).__name__}: {error}")
    for device in devices.values():
        device.disconnect()


def main() -> None:
    bare, password, host, port, cafile = sys.argv[1:6]
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.get_event_loop().run_until_complete(run(bare, password, host, int(port), cafile))


if __name__ == "__main__":
    main()
