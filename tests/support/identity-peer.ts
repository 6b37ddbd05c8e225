/**
 * Drives tests/support/identity_peer.py (slixmpp with its XEP-0084, XEP-0153, XEP-0054 and XEP-0172
 * plugins), a second client for who-is-who interop: commands in on stdin, events out on stdout.
 */
import { startPythonPeer, type PythonPeer, type PythonPeerEvent } from './python-peer';
import type { TestServer } from './server-process';

export type IdentityPeerEvent = PythonPeerEvent;
export type IdentityPeer = PythonPeer;

export function startIdentityPeer(
  server: TestServer,
  user: { user: string; password: string },
  resource: string,
): Promise<IdentityPeer> {
  return startPythonPeer({
    script: 'identity_peer.py',
    name: 'identity peer',
    server,
    user,
    resource,
  });
}
