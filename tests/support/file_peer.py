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
import ssl
import urllib.request
import xml.etree.ElementTree as ET
from typing import Any, Dict, Optional

from peer_base import Command, CommandPeer, emit


FILE_METADATA = "urn:xmpp:file:metadata:0"


def metadata_element(fields: dict) -> ET.Element:
    """XEP-0446 file metadata: name, size and media type as given."""
    file = ET.Element(f"{{{FILE_METADATA}}}file")
    for tag, key in (("media-type", "type"), ("name", "name"), ("size", "size")):
        if key in fields:
            ET.SubElement(file, f"{{{FILE_METADATA}}}{tag}").text = str(fields[key])
    return file


class Peer(CommandPeer):
    plugin_names = ["xep_0030", "xep_0066", "xep_0363"]

    def __init__(self, jid: str, password: str, cafile: str) -> None:
        super().__init__(jid, password, cafile)
        self.add_event_handler("message", self.on_message)

    def on_message(self, message: Any) -> None:
        if message["type"] not in ("chat", "normal"):
            return
        oob = message.xml.find("{jabber:x:oob}x/{jabber:x:oob}url")
        meta = message.xml.find(f"{{{FILE_METADATA}}}file")
        metadata = {child.tag.split("}")[1]: child.text for child in meta} if meta is not None else None
        emit(event="message", **{"from": message["from"].bare}, body=message["body"], oob=oob.text if oob is not None else None, metadata=metadata)

    async def run(self, command: Command) -> Optional[Dict[str, Any]]:
        if command["cmd"] == "send_file":
            return {"url": await self.send_file(command)}
        if command["cmd"] == "send_url":
            message = self.make_message(mto=command["to"], mbody=command["url"], mtype="chat")
            if command.get("oob", True):
                message["oob"]["url"] = command["url"]
            if "metadata" in command:
                message.xml.append(metadata_element(command["metadata"]))
            message.send()
        elif command["cmd"] == "fetch":
            result = await asyncio.get_running_loop().run_in_executor(None, self.fetch, command["url"])
            emit(event="fetched", url=command["url"], **result)
        return None

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


if __name__ == "__main__":
    Peer.main()
