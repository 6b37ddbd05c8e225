#!/usr/bin/python3
"""
An independent OMEMO 0.3 peer for interop tests: Debian's python3-omemo (SessionManager) with the
python3-oldmemo backend (eu.siacs.conversations.axolotl), glued to python3-slixmpp for PEP and
messages. Debian ships no slixmpp OMEMO plugin, so this is that glue, kept small.

Usage: omemo_peer.py JID PASSWORD HOST PORT CAFILE
Reads JSON commands on stdin, one per line:
  {"cmd": "send", "to": "bob@localhost", "body": "hi"}
  {"cmd": "refresh", "jid": "bob@localhost"}
  {"cmd": "send_file", "to": "...", "name": "a.bin", "data": "<base64>", "iv_bytes": 12}   (aesgcm_files.py)
  {"cmd": "fetch_file", "url": "aesgcm://..."}   (fetched, decrypted, reported as a "file" event)
  {"cmd": "join", "room": "r@conference.localhost", "nick": "peer"}
  {"cmd": "room_send", "room": "r@conference.localhost", "members": ["bob@localhost"], "body": "hi"}
  {"cmd": "quit"}
Writes JSON events on stdout, one per line:
  {"event": "ready", "device_id": 123}
  {"event": "message", "from": "bob@localhost", "device_id": 456, "body": "hi"}
  {"event": "undecryptable", "from": "...", "error": "..."}
  {"event": "sent", "to": "...", "devices": [...]}, {"event": "error", "error": "..."}
  {"event": "joined", "room": "..."}
  {"event": "room_message", "room": "...", "nick": "...", "from": "real@jid", "device_id": 1, "body": "hi"}
  {"event": "room_undecryptable", "room": "...", "nick": "...", "error": "..."}
  {"event": "room_sent", "room": "...", "devices": [...]}
In a room (members-only, non-anonymous) a sender's real JID comes from the room's presence.
Trust: blind (every device trusted), which is what the peer needs to talk to a new Jabberwock device.
"""
import asyncio
import base64
import json
import logging
import sys
import uuid
import xml.etree.ElementTree as ET
from typing import Any, Dict, FrozenSet, Optional

import omemo
import oldmemo
import oldmemo.etree
from omemo.storage import Just, Maybe, Nothing, Storage
from omemo.types import DeviceInformation, JSONType, TrustLevel
from slixmpp import ClientXMPP
from slixmpp.exceptions import IqError

import aesgcm_files

NS = oldmemo.oldmemo.NAMESPACE
NS_PUBSUB = "http://jabber.org/protocol/pubsub"
NS_PUBSUB_OWNER = "http://jabber.org/protocol/pubsub#owner"
NS_EVENT = "http://jabber.org/protocol/pubsub#event"
NODE_DEVICELIST = f"{NS}.devicelist"
NS_MUC = "http://jabber.org/protocol/muc"
NS_MUC_USER = "http://jabber.org/protocol/muc#user"
NS_SID = "urn:xmpp:sid:0"


def emit(**event: Any) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


class MemoryStorage(Storage):
    def __init__(self) -> None:
        super().__init__()
        self.data: Dict[str, JSONType] = {}

    async def _load(self, key: str) -> Maybe[JSONType]:
        return Just(self.data[key]) if key in self.data else Nothing()

    async def _store(self, key: str, value: JSONType) -> None:
        self.data[key] = value

    async def _delete(self, key: str) -> None:
        self.data.pop(key, None)


def open_access_options() -> ET.Element:
    options = ET.Element(f"{{{NS_PUBSUB}}}publish-options")
    form = ET.SubElement(options, "{jabber:x:data}x", {"type": "submit"})
    field = ET.SubElement(form, "{jabber:x:data}field", {"var": "FORM_TYPE", "type": "hidden"})
    ET.SubElement(field, "{jabber:x:data}value").text = "http://jabber.org/protocol/pubsub#publish-options"
    field = ET.SubElement(form, "{jabber:x:data}field", {"var": "pubsub#access_model"})
    ET.SubElement(field, "{jabber:x:data}value").text = "open"
    return options


class Peer(ClientXMPP):
    def __init__(self, jid: str, password: str) -> None:
        super().__init__(jid, password)
        self.manager: Optional["Manager"] = None
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0115")
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("presence", self.on_presence)
        # Rooms: our nick, the occupants' real JIDs by nick, and joins waiting for our self-presence.
        self.nicks: Dict[str, str] = {}
        self.occupants: Dict[str, Dict[str, str]] = {}
        self.joining: Dict[str, "asyncio.Future[None]"] = {}

    async def iq(self, kind: str, payload: ET.Element, to: Optional[str] = None) -> ET.Element:
        iq = self.make_iq(itype=kind, ito=to)
        iq.xml.append(payload)
        result = await iq.send(timeout=15)
        return result.xml

    async def on_start(self, _event: Any) -> None:
        self["xep_0030"].add_feature(f"{NODE_DEVICELIST}+notify")
        await self["xep_0115"].update_caps()
        self.send_presence()
        Manager.peer = self  # create() makes the instance itself; one peer per process
        self.manager = await Manager.create(
            [oldmemo.Oldmemo(MemoryStorage())], MemoryStorage(), self.boundjid.bare, None, "BLIND"
        )
        self.manager.after_history_sync()
        own, _ = await self.manager.get_own_device_information()
        emit(event="ready", device_id=own.device_id)

    async def on_message(self, msg: Any) -> None:
        event = msg.xml.find(f"{{{NS_EVENT}}}event")
        if event is not None and self.manager is not None:
            items = event.find(f"{{{NS_EVENT}}}items")
            if items is not None and items.get("node") == NODE_DEVICELIST and msg["from"].resource == "":
                item = items.find(f"{{{NS_EVENT}}}item")
                devices = {} if item is None else oldmemo.etree.parse_device_list(item.find(f"{{{NS}}}list"))
                await self.manager.update_device_list(NS, msg["from"].bare, devices)
            return
        encrypted = msg.xml.find(f"{{{NS}}}encrypted")
        if encrypted is None or self.manager is None:
            return
        if msg["type"] == "groupchat":
            await self.on_room_message(msg, encrypted)
            return
        sender = msg["from"].bare
        try:
            message = await oldmemo.etree.parse_message(encrypted, sender, self.boundjid.bare, self.manager)
            plaintext, device, _ = await self.manager.decrypt(message)
            emit(
                event="message",
                **{"from": sender},
                device_id=device.device_id,
                body=None if plaintext is None else plaintext.decode("utf-8"),
            )
        except Exception as error:  # report every failure to the test, keep running
            emit(event="undecryptable", **{"from": sender}, error=f"{type(error).__name__}: {error}")

    def on_presence(self, presence: Any) -> None:
        room, nick = presence["from"].bare, presence["from"].resource
        if room not in self.nicks or nick == "":
            return
        item = presence.xml.find(f"{{{NS_MUC_USER}}}x/{{{NS_MUC_USER}}}item")
        if presence["type"] == "unavailable":
            self.occupants.get(room, {}).pop(nick, None)
        elif item is not None and item.get("jid"):
            self.occupants.setdefault(room, {})[nick] = item.get("jid").split("/")[0]
        codes = {s.get("code") for s in presence.xml.findall(f"{{{NS_MUC_USER}}}x/{{{NS_MUC_USER}}}status")}
        waiting = self.joining.get(room)
        if "110" in codes and waiting is not None and not waiting.done():
            waiting.set_result(None)

    async def join(self, room: str, nick: str) -> None:
        self.nicks[room] = nick
        self.joining[room] = asyncio.get_running_loop().create_future()
        presence = self.make_presence(pto=f"{room}/{nick}")
        x = ET.SubElement(presence.xml, f"{{{NS_MUC}}}x")
        ET.SubElement(x, f"{{{NS_MUC}}}history", {"maxstanzas": "0"})
        presence.send()
        await asyncio.wait_for(self.joining[room], 15)
        emit(event="joined", room=room)

    async def on_room_message(self, msg: Any, encrypted: ET.Element) -> None:
        assert self.manager is not None
        room, nick = msg["from"].bare, msg["from"].resource
        if room not in self.nicks or nick == self.nicks[room]:
            return  # our own, reflected
        sender = self.occupants.get(room, {}).get(nick)
        if sender is None:
            emit(event="room_undecryptable", room=room, nick=nick, error="unknown real JID")
            return
        try:
            message = await oldmemo.etree.parse_message(encrypted, sender, self.boundjid.bare, self.manager)
            plaintext, device, _ = await self.manager.decrypt(message)
            rids = sorted(int(key.get("rid", "0")) for key in encrypted.iter(f"{{{NS}}}key"))
            emit(
                event="room_message",
                room=room,
                nick=nick,
                **{"from": sender},
                rids=rids,
                device_id=device.device_id,
                body=None if plaintext is None else plaintext.decode("utf-8"),
            )
        except Exception as error:
            emit(event="room_undecryptable", room=room, nick=nick, error=f"{type(error).__name__}: {error}")

    async def send_room(self, room: str, members: list, body: str) -> None:
        assert self.manager is not None
        for member in members:
            await self.manager.refresh_device_list(NS, member)
        messages, errors = await self.manager.encrypt(frozenset(members), {NS: body.encode("utf-8")})
        message = next(m for m in messages if m.namespace == NS)
        stanza = self.make_message(mto=room, mtype="groupchat", mbody="This message is OMEMO encrypted.")
        stanza.xml.append(oldmemo.etree.serialize_message(message))
        ET.SubElement(stanza.xml, "{urn:xmpp:eme:0}encryption", {"namespace": NS, "name": "OMEMO"})
        ET.SubElement(stanza.xml, "{urn:xmpp:hints}store")
        ET.SubElement(stanza.xml, f"{{{NS_SID}}}origin-id", {"id": str(uuid.uuid4())})
        stanza.send()
        emit(
            event="room_sent",
            room=room,
            devices=sorted(key.device_id for key, _ in message.keys),
            errors=[str(e) for e in errors],
        )

    async def send_encrypted(self, to: str, body: str) -> None:
        assert self.manager is not None
        await self.manager.refresh_device_list(NS, to)
        messages, errors = await self.manager.encrypt(frozenset([to]), {NS: body.encode("utf-8")})
        message = next(m for m in messages if m.namespace == NS)
        stanza = self.make_message(mto=to, mtype="chat", mbody="This message is OMEMO encrypted.")
        stanza.xml.append(oldmemo.etree.serialize_message(message))
        ET.SubElement(stanza.xml, "{urn:xmpp:eme:0}encryption", {"namespace": NS, "name": "OMEMO"})
        ET.SubElement(stanza.xml, "{urn:xmpp:hints}store")
        stanza.send()
        emit(
            event="sent",
            to=to,
            devices=sorted(key.device_id for key, _ in message.keys),
            errors=[str(e) for e in errors],
        )


class Manager(omemo.SessionManager):
    peer: Peer

    async def _upload_bundle(self, bundle: omemo.Bundle) -> None:
        node = f"{NS}.bundles:{bundle.device_id}"
        await self.publish(node, oldmemo.etree.serialize_bundle(bundle))

    async def publish(self, node: str, payload: ET.Element) -> None:
        pubsub = ET.Element(f"{{{NS_PUBSUB}}}pubsub")
        publish = ET.SubElement(pubsub, f"{{{NS_PUBSUB}}}publish", {"node": node})
        ET.SubElement(publish, f"{{{NS_PUBSUB}}}item", {"id": "current"}).append(payload)
        pubsub.append(open_access_options())
        await self.peer.iq("set", pubsub)

    async def items(self, jid: str, node: str) -> Optional[ET.Element]:
        pubsub = ET.Element(f"{{{NS_PUBSUB}}}pubsub")
        ET.SubElement(pubsub, f"{{{NS_PUBSUB}}}items", {"node": node})
        try:
            result = await self.peer.iq("get", pubsub, to=jid)
        except IqError as error:
            if error.condition == "item-not-found":
                return None
            raise
        return result.find(f"{{{NS_PUBSUB}}}pubsub/{{{NS_PUBSUB}}}items/{{{NS_PUBSUB}}}item")

    async def _download_bundle(self, namespace: str, bare_jid: str, device_id: int) -> omemo.Bundle:
        item = await self.items(bare_jid, f"{NS}.bundles:{device_id}")
        if item is None:
            raise omemo.BundleNotFound(f"no bundle for {bare_jid}/{device_id}")
        return oldmemo.etree.parse_bundle(item.find(f"{{{NS}}}bundle"), bare_jid, device_id)

    async def _delete_bundle(self, namespace: str, device_id: int) -> None:
        pubsub = ET.Element(f"{{{NS_PUBSUB_OWNER}}}pubsub")
        ET.SubElement(pubsub, f"{{{NS_PUBSUB_OWNER}}}delete", {"node": f"{NS}.bundles:{device_id}"})
        try:
            await self.peer.iq("set", pubsub)
        except IqError:
            pass

    async def _upload_device_list(self, namespace: str, device_list: Dict[int, Optional[str]]) -> None:
        await self.publish(NODE_DEVICELIST, oldmemo.etree.serialize_device_list(device_list))

    async def _download_device_list(self, namespace: str, bare_jid: str) -> Dict[int, Optional[str]]:
        item = await self.items(bare_jid, NODE_DEVICELIST)
        if item is None:
            return {}
        found = item.find(f"{{{NS}}}list")
        return {} if found is None else oldmemo.etree.parse_device_list(found)

    async def _evaluate_custom_trust_level(self, device: DeviceInformation) -> TrustLevel:
        return TrustLevel.TRUSTED

    async def _make_trust_decision(self, undecided: FrozenSet[DeviceInformation], identifier: Optional[str]) -> None:
        for device in undecided:
            await self.set_trust(device.bare_jid, device.identity_key, "BLIND")

    async def _send_message(self, message: omemo.Message, bare_jid: str) -> None:
        stanza = self.peer.make_message(mto=bare_jid, mtype="chat")
        stanza.xml.append(oldmemo.etree.serialize_message(message))
        ET.SubElement(stanza.xml, "{urn:xmpp:hints}store")
        stanza.send()


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
            if command["cmd"] == "send":
                await peer.send_encrypted(command["to"], command["body"])
            elif command["cmd"] == "refresh":
                assert peer.manager is not None
                await peer.manager.refresh_device_list(NS, command["jid"])
                devices = await peer.manager.get_device_information(command["jid"])
                emit(event="devices", jid=command["jid"], devices=sorted(d.device_id for d in devices))
            elif command["cmd"] == "send_file":
                data = base64.b64decode(command["data"])
                url = await aesgcm_files.send_file(peer, command["to"], data, command["name"], command.get("iv_bytes", 12))
                emit(event="file_sent", url=url)
            elif command["cmd"] == "fetch_file":
                loop = asyncio.get_running_loop()
                found = await loop.run_in_executor(None, aesgcm_files.fetch_file, command["url"], peer.ca_certs)
                emit(event="file", url=command["url"], **found)
            elif command["cmd"] == "join":
                await peer.join(command["room"], command["nick"])
            elif command["cmd"] == "room_send":
                await peer.send_room(command["room"], command["members"], command["body"])
            elif command["cmd"] == "quit":
                break
        except Exception as error:
            emit(event="error", error=f"{type(error).__name__}: {error}")
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
