#!/usr/bin/python3
"""
Another occupant for MUC integration tests: python3-slixmpp with its own XEP-0045 plugin. It joins,
asks for voice (XEP-0045 §8.6), changes its nick and leaves on command, and reports every room
presence and every room message it receives, with their status codes and a destruction's venue,
and every invitation. Its caps (XEP-0115) announce direct invitations (XEP-0249); it accepts every
subscription request and asks back.

Usage: muc_peer.py JID PASSWORD HOST PORT CAFILE
Reads JSON commands on stdin, one per line:
  {"cmd": "join", "room": "...", "nick": "..."}
  {"cmd": "request_voice", "room": "..."}
  {"cmd": "nick", "room": "...", "nick": "..."}
  {"cmd": "leave", "room": "...", "nick": "..."}
  {"cmd": "quit"}
Writes JSON events on stdout, one per line: ready, done {cmd}, error {cmd, error}, and
  presence {from, type, role, affiliation, codes, destroy: {jid, reason} | null}
  message {from, type, codes, body}   (room messages only: from a room or an occupant)
  invite {kind: direct|mediated, from, room, reason, password}
"""
from typing import Any, Optional

from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from peer_base import Command, CommandPeer, emit

NS_MUC_USER = "http://jabber.org/protocol/muc#user"


def muc_user(xml: Any) -> Optional[Any]:
    return xml.find("{%s}x" % NS_MUC_USER)


def codes_of(x: Optional[Any]) -> list:
    return [status.get("code") for status in x.findall("{%s}status" % NS_MUC_USER)] if x is not None else []


class Peer(CommandPeer):
    plugin_names = ["xep_0030", "xep_0045", "xep_0115", "xep_0249"]

    def __init__(self, jid: str, password: str, cafile: str) -> None:
        super().__init__(jid, password, cafile)
        self.rooms: set = set()
        # Raw handlers: slixmpp's MUC events skip what this test needs (codes in messages, <destroy/>).
        self.register_handler(Callback("room presence", MatchXPath("{jabber:client}presence"), self.on_presence))
        self.register_handler(Callback("room message", MatchXPath("{jabber:client}message"), self.on_message))

    async def on_start(self, _event: Any) -> None:
        await self.get_roster()
        await self["xep_0115"].update_caps(broadcast=False)
        self.send_presence()
        emit(event="ready")

    def on_presence(self, presence: Any) -> None:
        if presence["from"].bare not in self.rooms:
            return
        x = muc_user(presence.xml)
        item = x.find("{%s}item" % NS_MUC_USER) if x is not None else None
        destroy = x.find("{%s}destroy" % NS_MUC_USER) if x is not None else None
        emit(
            event="presence",
            **{"from": str(presence["from"])},
            type=presence["type"],
            role=item.get("role") if item is not None else None,
            affiliation=item.get("affiliation") if item is not None else None,
            codes=codes_of(x),
            destroy={
                "jid": destroy.get("jid"),
                "reason": destroy.findtext("{%s}reason" % NS_MUC_USER),
            }
            if destroy is not None
            else None,
        )

    def on_message(self, message: Any) -> None:
        direct = message.xml.find("{jabber:x:conference}x")
        x = muc_user(message.xml)
        invite = x.find("{%s}invite" % NS_MUC_USER) if x is not None else None
        # A room's invitation may carry a jabber:x:conference element too (Prosody adds one): the
        # muc#user <invite/> says it came through the room.
        if invite is not None:
            emit(event="invite", kind="mediated", **{"from": str(message["from"])}, room=message["from"].bare,
                 reason=invite.findtext("{%s}reason" % NS_MUC_USER), password=x.findtext("{%s}password" % NS_MUC_USER))
            return
        if direct is not None:
            emit(event="invite", kind="direct", **{"from": str(message["from"])}, room=direct.get("jid"),
                 reason=direct.get("reason"), password=direct.get("password"))
            return
        if message["from"].bare not in self.rooms:
            return
        emit(
            event="message",
            **{"from": str(message["from"])},
            type=message["type"],
            codes=codes_of(muc_user(message.xml)),
            body=message["body"],
        )

    async def run(self, command: Command) -> None:
        cmd = command["cmd"]
        if cmd == "join":
            self.rooms.add(command["room"])
            await self["xep_0045"].join_muc_wait(command["room"], command["nick"], maxstanzas=0, timeout=20)
        elif cmd == "request_voice":
            self["xep_0045"].request_voice(command["room"], "participant")
        elif cmd == "nick":
            # A nick change is a presence to the new occupant JID (XEP-0045 §7.6).
            self.send_presence(pto="%s/%s" % (command["room"], command["nick"]))
        elif cmd == "leave":
            self["xep_0045"].leave_muc(command["room"], command["nick"])


if __name__ == "__main__":
    Peer.main()
