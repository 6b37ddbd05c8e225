/**
 * Drives tests/support/muc_peer.py (slixmpp with its XEP-0045 plugin), another occupant for MUC
 * integration tests: it joins, asks for voice, changes nick and leaves on command, and reports the
 * room presence and room messages it receives with their status codes.
 */
import { startPythonPeer, type PythonPeer, type PythonPeerEvent } from './python-peer';
import type { TestServer } from './server-process';

export type MucPeer = PythonPeer;

/** A room presence as the peer reports it. */
export interface MucPeerPresence extends PythonPeerEvent {
  event: 'presence';
  from: string;
  type: string;
  role: string | null;
  affiliation: string | null;
  codes: string[];
  destroy: { jid: string | null; reason: string | null } | null;
}

/** A room message as the peer reports it. */
export interface MucPeerMessage extends PythonPeerEvent {
  event: 'message';
  from: string;
  type: string;
  codes: string[];
  body: string;
}

export function startMucPeer(
  server: TestServer,
  user: { user: string; password: string },
  resource: string,
): Promise<MucPeer> {
  return startPythonPeer({ script: 'muc_peer.py', name: 'muc peer', server, user, resource });
}
