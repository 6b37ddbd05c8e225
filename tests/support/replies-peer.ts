/**
 * Drives tests/support/replies_peer.py (slixmpp with its XEP-0045, XEP-0359, XEP-0421, XEP-0444,
 * XEP-0461 and XEP-0424 plugins), a second client for replies, reactions and retraction interop:
 * commands in on stdin, events out on stdout.
 */
import { startPythonPeer, type PythonPeer, type PythonPeerEvent } from './python-peer';
import type { TestServer } from './server-process';

export type RepliesPeerEvent = PythonPeerEvent;
export type RepliesPeer = PythonPeer;

export function startRepliesPeer(
  server: TestServer,
  user: { user: string; password: string },
  resource: string,
): Promise<RepliesPeer> {
  return startPythonPeer({
    script: 'replies_peer.py',
    name: 'replies peer',
    server,
    user,
    resource,
  });
}
