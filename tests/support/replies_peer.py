#!/usr/bin/python3
"""
A second client for replies, reactions and retraction interop tests: python3-slixmpp 1.8 with its
own XEP-0045, XEP-0359, XEP-0421, XEP-0444, XEP-0461 and XEP-0424 (version 0, in a XEP-0422
fastening) plugins. Its XEP-0461 plugin sends no fallback, so the fallback (XEP-0428, in the older
namespace that plugin reads) is added here. It accepts every subscription request and asks back.

Usage: replies_peer.py JID PASSWORD HOST PORT CAFILE
Reads JSON commands on stdin, one per line:
  {"cmd": "join", "room": "...", "nick": "..."}
  {"cmd": "send", "to": "...", "type": "chat|groupchat", "body": "...", "id": "..."}
  {"cmd": "reply", "to": "...", "type": "...", "body": "...", "quote": "...", "reply_to": "<jid>", "reply_id": "..."}
  {"cmd": "react", "to": "...", "type": "...", "id": "...", "emojis": ["..."]}
  {"cmd": "retract", "to": "...", "type": "...", "id": "..."}
  {"cmd": "quit"}
Writes JSON events on stdout, one per line: ready, done {cmd}, error {error}, and for each message
received: message {from, type, id, body, origin_id, stanza_id, occupant_id, reply, fallback,
reactions, retract}.
"""
from typing import Any

from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from peer_base import Command, CommandPeer, emit

NS_SID = "urn:xmpp:sid:0"
NS_REPLY = "urn:xmpp:reply:0"
NS_REACTIONS = "urn:xmpp:reactions:0"
NS_RETRACT = "urn:xmpp:message-retract:1"
NS_OCCUPANT_ID = "urn:xmpp:occupant-id:0"
NS_FALLBACK = "urn:xmpp:fallback:0"


class Peer(CommandPeer):
    plugin_names = ["xep_0030", "xep_0045", "xep_0359", "xep_0421", "xep_0444", "xep_0461", "xep_0424"]

    def __init__(self, jid: str, password: str, cafile: str) -> None:
        super().__init__(jid, password, cafile)
        # slixmpp's message events skip messages without a body (reactions): read every one.
        self.register_handler(Callback("every message", MatchXPath("{jabber:client}message"), self.on_message))

    def on_message(self, message: Any) -> None:
        xml = message.xml
        reply = xml.find("{%s}reply" % NS_REPLY)
        reactions = xml.find("{%s}reactions" % NS_REACTIONS)
        retract = xml.find("{%s}retract" % NS_RETRACT)
        legacy = message["apply_to"] if message.xml.find("{urn:xmpp:fasten:0}apply-to") is not None else None
        fallback = xml.find("{%s}fallback/{%s}body" % (NS_FALLBACK, NS_FALLBACK))
        stanza_id = xml.find("{%s}stanza-id" % NS_SID)
        origin_id = xml.find("{%s}origin-id" % NS_SID)
        occupant_id = xml.find("{%s}occupant-id" % NS_OCCUPANT_ID)
        emit(
            event="message",
            **{"from": str(message["from"])},
            type=message["type"],
            id=message["id"],
            body=message["body"],
            origin_id=origin_id.get("id") if origin_id is not None else None,
            stanza_id=stanza_id.get("id") if stanza_id is not None else None,
            occupant_id=occupant_id.get("id") if occupant_id is not None else None,
            reply={"to": reply.get("to"), "id": reply.get("id")} if reply is not None else None,
            fallback={"start": fallback.get("start"), "end": fallback.get("end")} if fallback is not None else None,
            reactions={"id": reactions.get("id"), "emojis": [r.text for r in reactions]} if reactions is not None else None,
            retract=retract.get("id") if retract is not None else None,
            retract_legacy=legacy["id"] if legacy is not None and legacy.xml.find("{urn:xmpp:message-retract:0}retract") is not None else None,
        )

    def message_to(self, command: dict) -> Any:
        message = self.make_message(mto=command["to"], mtype=command.get("type", "chat"))
        if command.get("id"):
            message["id"] = command["id"]
            message["origin_id"]["id"] = command["id"]
        return message

    async def run(self, command: Command) -> None:
        cmd = command["cmd"]
        if cmd == "join":
            await self["xep_0045"].join_muc_wait(command["room"], command["nick"], maxstanzas=0, timeout=20)
        elif cmd == "send":
            message = self.message_to(command)
            message["body"] = command["body"]
            message.send()
        elif cmd == "reply":
            message = self.message_to(command)
            fallback = "".join("> %s\n" % line for line in command["quote"].split("\n"))
            message["body"] = fallback + command["body"]
            message["reply"]["to"] = command["reply_to"]
            message["reply"]["id"] = command["reply_id"]
            message["feature_fallback"]["for"] = NS_REPLY
            message["feature_fallback"]["fallback_body"]["start"] = "0"
            message["feature_fallback"]["fallback_body"]["end"] = str(len(fallback))
            message.send()
        elif cmd == "react":
            message = self.message_to(command)
            self["xep_0444"].set_reactions(message, command["id"], command["emojis"])
            message.enable("store")
            message.send()
        elif cmd == "retract":
            self["xep_0424"].send_retraction(command["to"], command["id"], mtype=command.get("type", "chat"))


if __name__ == "__main__":
    Peer.main()
