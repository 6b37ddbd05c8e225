#!/usr/bin/python3
"""
A second client for who-is-who interop tests: python3-slixmpp with its own XEP-0084 (avatars in
PEP), XEP-0153 (the vCard photo hash in presence), XEP-0054 (vcard-temp) and XEP-0172 (nickname)
plugins. It accepts every subscription request and asks back, so the test user becomes a contact.

Usage: identity_peer.py JID PASSWORD HOST PORT CAFILE
Reads JSON commands on stdin, one per line:
  {"cmd": "publish_avatar", "data": "<base64>", "type": "image/png", "width": 8, "height": 8}
  {"cmd": "publish_vcard", "fn": "...", "nickname": "...", "org": "...", "email": "...", "url": "...", "desc": "..."}
  {"cmd": "publish_nick", "nick": "..."}
  {"cmd": "read_avatar", "jid": "..."}   (XEP-0084: the metadata's id, then the data's SHA-1)
  {"cmd": "read_vcard", "jid": "..."}    (XEP-0054: its fields and the photo's SHA-1)
  {"cmd": "quit"}
Writes JSON events on stdout, one per line: ready, done {cmd}, avatar {jid, id, sha1}, vcard {...},
presence_photo {jid, hash}, error {error}.
"""
import asyncio
import base64
import hashlib
import json
import logging
import sys
from typing import Any

from slixmpp import ClientXMPP


def emit(**event: Any) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


class Peer(ClientXMPP):
    def __init__(self, jid: str, password: str) -> None:
        super().__init__(jid, password)
        for plugin in ["xep_0030", "xep_0060", "xep_0163", "xep_0084", "xep_0054", "xep_0153", "xep_0172", "xep_0115"]:
            self.register_plugin(plugin)
        self.auto_authorize = True
        self.auto_subscribe = True
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("presence_available", self.on_presence)

    async def on_start(self, _event: Any) -> None:
        await self.get_roster()
        self.send_presence()
        emit(event="ready")

    def on_presence(self, presence: Any) -> None:
        update = presence.xml.find("{vcard-temp:x:update}x")
        photo = update.find("{vcard-temp:x:update}photo") if update is not None else None
        if photo is not None:
            emit(event="presence_photo", jid=presence["from"].bare, hash=(photo.text or "").strip())

    async def publish_avatar(self, command: dict) -> None:
        data = base64.b64decode(command["data"])
        digest = hashlib.sha1(data).hexdigest()
        await self["xep_0084"].publish_avatar(data)
        await self["xep_0084"].publish_avatar_metadata(
            [{"id": digest, "bytes": str(len(data)), "type": command["type"], "width": str(command["width"]), "height": str(command["height"])}]
        )
        await self["xep_0153"].set_avatar(avatar=data, mtype=command["type"])

    async def publish_vcard(self, command: dict) -> None:
        vcard = self["xep_0054"].make_vcard()
        vcard["FN"] = command.get("fn", "")
        vcard["NICKNAME"] = command.get("nickname", "")
        vcard["ORG"]["ORGNAME"] = command.get("org", "")
        vcard["EMAIL"]["USERID"] = command.get("email", "")
        vcard["URL"] = command.get("url", "")
        vcard["DESC"] = command.get("desc", "")
        await self["xep_0054"].publish_vcard(vcard)

    async def read_avatar(self, jid: str) -> None:
        items = await self["xep_0060"].get_items(jid, "urn:xmpp:avatar:metadata")
        info = items.xml.find(".//{urn:xmpp:avatar:metadata}info")
        avatar_id = info.get("id") if info is not None else None
        data_items = await self["xep_0084"].retrieve_avatar(jid, avatar_id)
        data = data_items.xml.find(".//{urn:xmpp:avatar:data}data")
        raw = base64.b64decode(data.text or "") if data is not None else b""
        # A PNG's dimensions from its header (IHDR: width and height, big endian, after the signature).
        png = raw[:8] == b"\x89PNG\r\n\x1a\n" and len(raw) >= 24
        emit(
            event="avatar",
            jid=jid,
            id=avatar_id,
            sha1=hashlib.sha1(raw).hexdigest(),
            bytes=len(raw),
            type=info.get("type") if info is not None else None,
            png_size=[int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")] if png else None,
        )

    async def read_vcard(self, jid: str) -> None:
        result = await self["xep_0054"].get_vcard(jid, local=False, cached=False)
        vcard = result.xml.find("{vcard-temp}vCard")
        text = lambda path: (vcard.findtext(path, default="", namespaces={"v": "vcard-temp"}) or "") if vcard is not None else ""
        binval = text("v:PHOTO/v:BINVAL")
        photo = hashlib.sha1(base64.b64decode(binval)).hexdigest() if binval else ""
        emit(event="vcard", jid=jid, fn=text("v:FN"), nickname=text("v:NICKNAME"), org=text("v:ORG/v:ORGNAME"), photo=photo)


async def read_commands(peer: Peer) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            break
        command = json.loads(line)
        try:
            if command["cmd"] == "publish_avatar":
                await peer.publish_avatar(command)
            elif command["cmd"] == "publish_vcard":
                await peer.publish_vcard(command)
            elif command["cmd"] == "publish_nick":
                await peer["xep_0172"].publish_nick(command["nick"])
            elif command["cmd"] == "read_avatar":
                await peer.read_avatar(command["jid"])
            elif command["cmd"] == "read_vcard":
                await peer.read_vcard(command["jid"])
            elif command["cmd"] == "quit":
                break
            emit(event="done", cmd=command["cmd"])
        except Exception as error:
            emit(event="error", cmd=command["cmd"], error=f"{type(error).__name__}: {error}")
    peer.disconnect()


def main() -> None:
    jid, password, host, port, cafile = sys.argv[1:6]
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    peer = Peer(jid, password)
    peer.ca_certs = cafile
    peer.connect((host, int(port)))
    loop = asyncio.get_event_loop()
    loop.run_until_complete(read_commands(peer))


if __name__ == "__main__":
    main()
