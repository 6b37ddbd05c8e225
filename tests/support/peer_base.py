"""
What the slixmpp peers in tests/support share: JSON events out on stdout, JSON commands in on
stdin, and the command line `JID PASSWORD HOST PORT CAFILE`.

A peer that is one client subclasses CommandPeer, names its plugins and answers commands in
`run`; its script ends with `MyPeer.main()`. The protocol (what tests/support/python-peer.ts
expects): `ready` once online, then for each command `done {cmd, ...what run returned}` or
`error {cmd, error}`; `{"cmd": "quit"}` (or the end of stdin) disconnects and exits.
"""
import asyncio
import json
import logging
import sys
from typing import Any, Awaitable, Callable, Dict, Optional, Sequence

from slixmpp import ClientXMPP

Command = Dict[str, Any]


def emit(**event: Any) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


async def read_commands(handle: Callable[[Command], Awaitable[Optional[Dict[str, Any]]]]) -> None:
    """Hands each command line to `handle` until quit; answers done (with what it returns) or error."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            break
        command = json.loads(line)
        if command["cmd"] == "quit":
            break
        try:
            answer = await handle(command)
            emit(event="done", cmd=command["cmd"], **(answer or {}))
        except Exception as error:  # reported to the test, which fails on it
            emit(event="error", cmd=command["cmd"], error=f"{type(error).__name__}: {error}")


def main(serve: Callable[[str, str, str, int, str], Awaitable[None]]) -> None:
    """Runs `serve(jid, password, host, port, cafile)` with the command line's arguments."""
    jid, password, host, port, cafile = sys.argv[1:6]
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.get_event_loop().run_until_complete(serve(jid, password, host, int(port), cafile))


class CommandPeer(ClientXMPP):
    """One client that accepts every subscription request and asks back, and says `ready` once online."""

    plugin_names: Sequence[str] = ()

    def __init__(self, jid: str, password: str, cafile: str) -> None:
        super().__init__(jid, password)
        for plugin in self.plugin_names:
            self.register_plugin(plugin)
        self.cafile = cafile
        self.ca_certs = cafile
        self.auto_authorize = True
        self.auto_subscribe = True
        self.add_event_handler("session_start", self.on_start)

    async def on_start(self, _event: Any) -> None:
        await self.get_roster()
        self.send_presence()
        emit(event="ready")

    async def run(self, command: Command) -> Optional[Dict[str, Any]]:
        """Carries out one command; what it returns goes into the `done` answer."""
        raise NotImplementedError

    @classmethod
    def main(cls) -> None:
        async def serve(jid: str, password: str, host: str, port: int, cafile: str) -> None:
            peer = cls(jid, password, cafile)
            peer.connect((host, port))
            await read_commands(peer.run)
            peer.disconnect()

        main(serve)
