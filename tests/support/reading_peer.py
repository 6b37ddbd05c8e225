#!/usr/bin/python3
"""
A slixmpp client for read state tests: a contact that sends markable messages and displayed markers,
or another client of the same account that publishes and reads its read positions (XEP-0490).

Usage: reading_peer.py FULL_JID PASSWORD HOST PORT CAFILE
Reads JSON commands on stdin, one per line (tests/support/peer_base.py's protocol):
  {"cmd": "presence"}                                   available presence (answers "done")
  {"cmd": "subscribed", "to": BARE}                     approve a subscription (answers "done")
  {"cmd": "subscribe", "to": BARE}                      ask for one (answers "done")
  {"cmd": "send", "to": JID, "body": TEXT, "id": ID}    a markable chat message (answers "done")
  {"cmd": "displayed", "to": JID, "id": ID}             a displayed marker (answers "done")
  {"cmd": "publish", "item": JID, "stanza_id": ID, "by": JID}
                                                        our read position, with XEP-0490's publish
                                                        options (answers "done" or "error")
  {"cmd": "items"}                                      our read positions (answers "done" with them)
  {"cmd": "raw", "xml": TEXT}                           a stanza written as it is (answers "done")
  {"cmd": "quit"}
Writes JSON events on stdout, one per line:
  {"event": "message", "from": JID, "id": ID, "body": TEXT|null, "markable": bool, "displayed": ID|null,
   "stanza_id": ID|null}
  {"event": "ready"} once online (unavailable until the "presence" command),
  {"event": "done", "cmd": C}, for "items" with "items": [{"id", "stanza_id", "by"}],
  {"event": "error", "cmd": C, "error": "..."}
"""
import asyncio
import xml.etree.ElementTree as ET
from typing import Any, Dict, Optional

from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import StanzaPath

from peer_base import Command, CommandPeer, emit

NS_MARKERS = "urn:xmpp:chat-markers:0"
NS_MDS = "urn:xmpp:mds:displayed:0"
NS_SID = "urn:xmpp:sid:0"
NS_PUBSUB = "http://jabber.org/protocol/pubsub"
NS_DATA = "jabber:x:data"


def publish_element(item: str, stanza_id: str, by: str) -> ET.Element:
    pubsub = ET.Element(f"{{{NS_PUBSUB}}}pubsub")
    publish = ET.SubElement(pubsub, "publish", node=NS_MDS)
    entry = ET.SubElement(publish, "item", id=item)
    displayed = ET.SubElement(entry, f"{{{NS_MDS}}}displayed")
    ET.SubElement(displayed, f"{{{NS_SID}}}stanza-id", id=stanza_id, by=by)
    options = ET.SubElement(pubsub, "publish-options")
    form = ET.SubElement(options, f"{{{NS_DATA}}}x", type="submit")
    fields = {
        "FORM_TYPE": "http://jabber.org/protocol/pubsub#publish-options",
        "pubsub#persist_items": "true",
        "pubsub#max_items": "max",
        "pubsub#send_last_published_item": "never",
        "pubsub#access_model": "whitelist",
    }
    for var, value in fields.items():
        field = ET.SubElement(form, "field", var=var)
        ET.SubElement(field, "value").text = value
    return pubsub


class Peer(CommandPeer):
    def __init__(self, jid: str, password: str, cafile: str) -> None:
        super().__init__(jid, password, cafile)
        # Every message, markers without a body included (slixmpp's "message" event needs a body).
        self.register_handler(Callback("every message", StanzaPath("message"), self.on_message))

    async def on_start(self, _event: Any) -> None:
        # No presence yet: the test sends it when it wants Bob online.
        await self.get_roster()
        emit(event="ready")

    def on_message(self, msg: Any) -> None:
        node = msg.xml
        displayed = node.find(f"{{{NS_MARKERS}}}displayed")
        stanza_id = node.find(f"{{{NS_SID}}}stanza-id")
        body = node.find("{jabber:client}body")
        emit(
            event="message",
            **{"from": str(msg["from"])},
            id=node.get("id"),
            body=body.text if body is not None else None,
            markable=node.find(f"{{{NS_MARKERS}}}markable") is not None,
            displayed=displayed.get("id") if displayed is not None else None,
            stanza_id=stanza_id.get("id") if stanza_id is not None else None,
        )

    async def run(self, command: Command) -> Optional[Dict[str, Any]]:
        cmd = command["cmd"]
        if cmd == "presence":
            self.send_presence()
        elif cmd in ("subscribed", "subscribe"):
            self.send_presence(pto=command["to"], ptype=cmd)
        elif cmd == "send":
            msg = self.make_message(mto=command["to"], mbody=command["body"], mtype="chat")
            msg["id"] = command["id"]
            msg.xml.append(ET.Element(f"{{{NS_MARKERS}}}markable"))
            msg.send()
        elif cmd == "displayed":
            msg = self.make_message(mto=command["to"], mtype="chat")
            msg.xml.append(ET.Element(f"{{{NS_MARKERS}}}displayed", id=command["id"]))
            msg.send()
        elif cmd == "raw":
            self.send_raw(command["xml"])
        elif cmd == "publish":
            iq = self.make_iq_set()
            iq.append(publish_element(command["item"], command["stanza_id"], command["by"]))
            await iq.send(timeout=15)
        elif cmd == "items":
            return {"items": await self.read_positions()}
        await asyncio.sleep(0)
        return None

    async def read_positions(self) -> list:
        iq = self.make_iq_get()
        pubsub = ET.Element(f"{{{NS_PUBSUB}}}pubsub")
        ET.SubElement(pubsub, "items", node=NS_MDS)
        iq.append(pubsub)
        result = await iq.send(timeout=15)
        items = []
        for item in result.xml.iter(f"{{{NS_PUBSUB}}}item"):
            sid = item.find(f"{{{NS_MDS}}}displayed/{{{NS_SID}}}stanza-id")
            items.append({"id": item.get("id"), "stanza_id": sid.get("id") if sid is not None else None,
                          "by": sid.get("by") if sid is not None else None})
        return items


if __name__ == "__main__":
    Peer.main()
