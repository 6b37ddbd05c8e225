#!/usr/bin/python3
"""
A second client for file sharing interop tests: python3-slixmpp with its XEP-0363 (HTTP File
Upload) and XEP-0066 (out-of-band data) plugins, as other clients send files. It accepts every
subscription request and asks back.

Usage: file_peer.py JID PASSWORD HOST PORT CAFILE
Reads JSON commands on stdin, one per line:
  {"cmd": "send_file", "to": "...", "name": "...", "data": "<base64>", "type": "image/png"}
      uploads the file with XEP-0363, then sends its address as the body with jabber:x:oob
  {"cmd": "send_url", "to": "...", "url": "...", "oob": true}   (an address as the body, with jabber:x:oob unless oob is false)
      with "metadata": {"name": "...", "size": 123, "type": "..."}: XEP-0446 file metadata beside it
  {"cmd": "fetch", "url": "..."}   (a plain HTTPS GET trusting CAFILE)
  {"cmd": "quit"}
Writes JSON events on stdout, one per line: ready, done {cmd, ...}, message {from, body, oob, metadata},
fetched {url, status, sha256, bytes}, error {cmd, error}.
"""
import asyncio
import base64
import hashlib
import json
import logging
import ssl
import sys
import urllib.request
import xml.etree.ElementTree as ET
from typing import Any

from slixmpp import ClientXMPP


FILE_METADATA = "urn:xmpp:file:metadata:0"


def metadata_element(fields: dict) -> ET.Element:
    """XEP-0446 file metadata: name, size and media type as given."""
    file = ET.Element(f"{{{FILE_METADATA}}}file")
    for tag, key in (("media-type", "type"), ("name", "name"), ("size", "size")):
        if key in fields:
            ET.SubElement(file, f"{{{FILE_METADATA}}}{tag}").text = str(fields[key])
    return file


def emit(**event: Any) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


class Peer(ClientXMPP):
    def __init__(self, jid: str, password: str, cafile: str) -> None:
        super().__init__(jid, password)
        for plugin in ["xep_0030", "xep_0066", "xep_0363"]:
            self.register_plugin(plugin)
        self.cafile = cafile
        self.auto_authorize = True
        self.auto_subscribe = True
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)

    async def on_start(self, _event: Any) -> None:
        await self.get_roster()
        self.send_presence()
        emit(event="ready")

    def on_message(self, message: Any) -> None:
        if message["type"] not in ("chat", "normal"):
            return
        oob = message.xml.find("{jabber:x:oob}x/{jabber:x:oob}url")
        meta = message.xml.find(f"{{{FILE_METADATA}}}file")
        metadata = {child.tag.split("}")[1]: child.text for child in meta} if meta is not None else None
        emit(event="message", **{"from": message["from"].bare}, body=message["body"], oob=oob.text if oob is not None else None, metadata=metadata)

    async def send_file(self, command: dict) -> str:
        data = base64.b64decode(command["data"])
        # The plugin's own discovery and slot request; the PUT by hand (its upload_file trips on
        # newer asyncio), with the headers the slot names.
        service = await self.upload_service()
        slot = (await self["xep_0363"].request_slot(service, command["name"], len(data), command["type"], timeout=30))["http_upload_slot"]
        headers = {"Content-Type": command["type"], "Content-Length": str(len(data))}
        for header in slot["put"]["headers"]:
            headers[header["name"]] = header["value"]
        put = urllib.request.Request(slot["put"]["url"], data=data, headers=headers, method="PUT")
        context = ssl.create_default_context(cafile=self.cafile)
        await asyncio.get_running_loop().run_in_executor(None, lambda: urllib.request.urlopen(put, context=context, timeout=30).close())
        url = slot["get"]["url"]
        message = self.make_message(mto=command["to"], mbody=url, mtype="chat")
        message["oob"]["url"] = url
        message.send()
        return url

    async def upload_service(self) -> str:
        items = await self["xep_0030"].get_items(jid=self.boundjid.domain, timeout=30)
        for item in items["disco_items"]["items"]:
            info = await self["xep_0030"].get_info(jid=item[0], timeout=30)
            if "urn:xmpp:http:upload:0" in info["disco_info"]["features"]:
                return item[0]
        raise RuntimeError("no upload service")

    def fetch(self, url: str) -> dict:
        context = ssl.create_default_context(cafile=self.cafile)
        with urllib.request.urlopen(url, context=context, timeout=30) as response:
            body = response.read()
            return {"status": response.status, "sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}


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
            if command["cmd"] == "send_file":
                url = await peer.send_file(command)
                emit(event="done", cmd="send_file", url=url)
            elif command["cmd"] == "send_url":
                message = peer.make_message(mto=command["to"], mbody=command["url"], mtype="chat")
                if command.get("oob", True):
                    message["oob"]["url"] = command["url"]
                if "metadata" in command:
                    message.xml.append(metadata_element(command["metadata"]))
                message.send()
                emit(event="done", cmd="send_url")
            elif command["cmd"] == "fetch":
                result = await loop.run_in_executor(None, peer.fetch, command["url"])
                emit(event="fetched", url=command["url"], **result)
                emit(event="done", cmd="fetch")
            elif command["cmd"] == "quit":
                break
        except Exception as error:
            emit(event="error", cmd=command["cmd"], error=f"{type(error).__name__}: {error}")
    peer.disconnect()


def main() -> None:
    jid, password, host, port, cafile = sys.argv[1:6]
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    peer = Peer(jid, password, cafile)
    peer.ca_certs = cafile
    peer.connect((host, int(port)))
    loop = asyncio.get_event_loop()
    loop.run_until_complete(read_commands(peer))


if __name__ == "__main__":
    main()
