#!/usr/bin/python3
"""
A second client for who-is-who interop tests: python3-slixmpp with its own XEP-0084 (avatars in
PEP), XEP-0153 (the vCard photo hash in presence), XEP-0054 (vcard-temp) and XEP-0172 (nickname)
plugins. It accepts every subscription request and asks back, so the test user becomes a contact.

Usage: identity_peer.py JID PASSWORD HOST PORT CAFILE
Reads JSON commands on stdin, one per line:
  {"cmd": "publish_avatar", "data": "<base64>", "type": "image/png", "width": 8, "height": 8}
  {"cmd": "publish_vcard_photo", "data": "<base64>", "type": "image/png"}   (XEP-0153 only, as a legacy client)
  {"cmd": "publish_vcard", "fn": "...", "nickname": "...", "org": "...", "email": "...", "url": "...", "desc": "..."}
  {"cmd": "publish_nick", "nick": "..."}
  {"cmd": "read_avatar", "jid": "..."}   (XEP-0084: the metadata's id and dimensions, then the data's SHA-1)
  {"cmd": "read_vcard", "jid": "..."}    (XEP-0054: its fields and the photo's SHA-1)
  {"cmd": "quit"}
Writes JSON events on stdout, one per line: ready, done {cmd}, avatar {jid, id, sha1}, vcard {...},
presence_photo {jid, hash}, error {error}.
"""
import base64
import hashlib
from typing import Any

from peer_base import Command, CommandPeer, emit


class Peer(CommandPeer):
    plugin_names = ["xep_0030", "xep_0060", "xep_0163", "xep_0084", "xep_0054", "xep_0153", "xep_0172", "xep_0115"]

    def __init__(self, jid: str, password: str, cafile: str) -> None:
        super().__init__(jid, password, cafile)
        self.add_event_handler("presence_available", self.on_presence)

    async def run(self, command: Command) -> None:
        if command["cmd"] == "publish_avatar":
            await self.publish_avatar(command)
        elif command["cmd"] == "publish_vcard_photo":
            await self["xep_0153"].set_avatar(avatar=base64.b64decode(command["data"]), mtype=command["type"])
        elif command["cmd"] == "publish_vcard":
            await self.publish_vcard(command)
        elif command["cmd"] == "publish_nick":
            await self["xep_0172"].publish_nick(command["nick"])
        elif command["cmd"] == "read_avatar":
            await self.read_avatar(command["jid"])
        elif command["cmd"] == "read_vcard":
            await self.read_vcard(command["jid"])

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
            width=info.get("width") if info is not None else None,
            height=info.get("height") if info is not None else None,
            png_size=[int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")] if png else None,
        )

    async def read_vcard(self, jid: str) -> None:
        result = await self["xep_0054"].get_vcard(jid, local=False, cached=False)
        vcard = result.xml.find("{vcard-temp}vCard")
        text = lambda path: (vcard.findtext(path, default="", namespaces={"v": "vcard-temp"}) or "") if vcard is not None else ""
        binval = text("v:PHOTO/v:BINVAL")
        photo = hashlib.sha1(base64.b64decode(binval)).hexdigest() if binval else ""
        emit(event="vcard", jid=jid, fn=text("v:FN"), nickname=text("v:NICKNAME"), org=text("v:ORG/v:ORGNAME"), photo=photo)


if __name__ == "__main__":
    Peer.main()
