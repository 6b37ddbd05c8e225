/**
 * The avatar suites' scene: our core signed in to a test server beside a second client
 * (identity_peer.py, slixmpp), and our own avatar published the way the window does it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IdentityView } from '../../src/shared/contract';
import { createLogger } from '../../src/main/core/log';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { openTestCore, type Core } from './core';
import { startIdentityPeer, type IdentityPeer } from './identity-peer';
import type { TestServer } from './server-process';

/** The SHA-1 both avatar protocols name a picture by (XEP-0084's id, XEP-0153's hash). */
export const sha1 = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');

export interface IdentityScene {
  /** A temporary directory: the core's data and the pictures the tests pick. */
  dir: string;
  peer: IdentityPeer;
  core: Core;
  /** Stops the peer and the core and removes the directory (the server is the caller's). */
  close(): Promise<void>;
}

type User = { user: string; password: string };

/** Our core signed in as `ours` and the other client as `theirs` (resource "peer"). */
export async function openIdentityScene(server: TestServer, ours: User, theirs: User): Promise<IdentityScene> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-identities-'));
  const peer = await startIdentityPeer(server, theirs, 'peer');
  const core = await openTestCore(
    server,
    path.join(dir, 'core'),
    createMemorySecretStore(),
    createLogger(() => {}, 'info'),
    ours,
  );
  const close = async () => {
    await peer.stop();
    await core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { dir, peer, core, close };
}

/** Writes `picture` as `dir/name`, stages it, and publishes it as our avatar; resolves with our identity. */
export async function publishOwnAvatar(core: Core, dir: string, picture: Buffer, name: string): Promise<IdentityView> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, picture);
  const staged = await core.messenger.media.staging.adopt(file);
  if (!staged.ok) throw new Error('not staged');
  return (await core.invoke('avatar.setOwn', { accountId: core.accountId, file: staged.staged.id })) as IdentityView;
}

/** What the other client reads of `jid`'s PEP avatar (XEP-0084 metadata) now. */
export async function avatarThePeerReads(peer: IdentityPeer, jid: string): Promise<unknown> {
  await peer.run({ cmd: 'read_avatar', jid });
  return peer.events.findLast((event) => event.event === 'avatar');
}

/** What the other client reads of `jid`'s vcard-temp (XEP-0054) now. */
export async function vcardThePeerReads(peer: IdentityPeer, jid: string): Promise<unknown> {
  await peer.run({ cmd: 'read_vcard', jid });
  return peer.events.findLast((event) => event.event === 'vcard');
}

/** The metadata of a picture as we publish it: its SHA-1 as the id and the hash, and its dimensions. */
export function publishedAs(picture: Uint8Array, width: number, height: number): Record<string, string> {
  return { id: sha1(picture), sha1: sha1(picture), width: String(width), height: String(height) };
}
