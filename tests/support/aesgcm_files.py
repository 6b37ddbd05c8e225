"""
Encrypted files for the OMEMO peer (omemo_peer.py), as Conversations shares them (XEP-0454): the
file is encrypted with AES-256-GCM (python3-cryptography), uploaded with XEP-0363 as opaque bytes
with the tag appended, and its address sent as `aesgcm://host/path#<iv hex><key hex>` in an OMEMO
message; a received address is fetched over https (trusting the test CA) and decrypted.
"""
import asyncio
import hashlib
import os
import ssl
import urllib.request
import xml.etree.ElementTree as ET
from typing import Any, Dict

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NS_UPLOAD = "urn:xmpp:http:upload:0"


async def upload_service(peer: Any) -> str:
    items = await peer["xep_0030"].get_items(jid=peer.boundjid.domain, timeout=30)
    for item in items["disco_items"]["items"]:
        info = await peer["xep_0030"].get_info(jid=item[0], timeout=30)
        if NS_UPLOAD in info["disco_info"]["features"]:
            return item[0]
    raise RuntimeError("no upload service")


async def send_file(peer: Any, to: str, data: bytes, name: str, iv_bytes: int = 12) -> str:
    key, iv = os.urandom(32), os.urandom(iv_bytes)
    sealed = AESGCM(key).encrypt(iv, data, None)  # the ciphertext, then the 16-byte tag
    request = ET.Element(
        f"{{{NS_UPLOAD}}}request",
        {"filename": name, "size": str(len(sealed)), "content-type": "application/octet-stream"},
    )
    slot = (await peer.iq("get", request, to=await upload_service(peer))).find(f"{{{NS_UPLOAD}}}slot")
    put, get = slot.find(f"{{{NS_UPLOAD}}}put"), slot.find(f"{{{NS_UPLOAD}}}get")
    headers = {"Content-Type": "application/octet-stream", "Content-Length": str(len(sealed))}
    for header in put.findall(f"{{{NS_UPLOAD}}}header"):
        headers[header.get("name")] = header.text or ""
    upload = urllib.request.Request(put.get("url"), data=sealed, headers=headers, method="PUT")
    context = ssl.create_default_context(cafile=peer.ca_certs)
    await asyncio.get_running_loop().run_in_executor(
        None, lambda: urllib.request.urlopen(upload, context=context, timeout=30).close()
    )
    url = "aesgcm://" + get.get("url")[len("https://"):] + "#" + iv.hex() + key.hex()
    await peer.send_encrypted(to, url)
    return url


def fetch_file(url: str, cafile: str) -> Dict[str, Any]:
    address, fragment = url[len("aesgcm://"):].split("#", 1)
    secret = bytes.fromhex(fragment)
    iv, key = secret[:-32], secret[-32:]
    context = ssl.create_default_context(cafile=cafile)
    with urllib.request.urlopen("https://" + address, context=context, timeout=30) as response:
        sealed = response.read()
    data = AESGCM(key).decrypt(iv, sealed, None)  # raises InvalidTag when it does not verify
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "iv_bytes": len(iv)}
