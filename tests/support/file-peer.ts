/**
 * Drives tests/support/file_peer.py (slixmpp with its XEP-0363 and XEP-0066 plugins), a second
 * client that sends and fetches files as other clients do: commands in on stdin, events out on stdout.
 * Its HTTPS (the upload's PUT through aiohttp, its own GETs) trusts the test CA only.
 */
import { startPythonPeer, type PythonPeer, type PythonPeerEvent } from './python-peer';
import type { TestServer } from './server-process';

export type FilePeerEvent = PythonPeerEvent;
export type FilePeer = PythonPeer;

export function startFilePeer(
  server: TestServer,
  user: { user: string; password: string },
  resource: string,
): Promise<FilePeer> {
  return startPythonPeer({
    script: 'file_peer.py',
    name: 'file peer',
    server,
    user,
    resource,
    // aiohttp (slixmpp's upload) verifies with OpenSSL's default paths: the test CA is the one to trust.
    env: { ...process.env, SSL_CERT_FILE: server.caFile },
  });
}
