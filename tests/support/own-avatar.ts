/**
 * Our own avatar published the way the window does it: a picked file staged by the core, then
 * `avatar.setOwn` with the staged id. Shared by the avatar integration suites.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IdentityView } from '../../src/shared/contract';
import type { Core } from './core';

/** The SHA-1 both avatar protocols name a picture by (XEP-0084's id, XEP-0153's hash). */
export const sha1 = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');

/** Writes `picture` as `dir/name`, stages it, and publishes it as our avatar; resolves with our identity. */
export async function publishOwnAvatar(core: Core, dir: string, picture: Buffer, name: string): Promise<IdentityView> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, picture);
  const staged = await core.messenger.media.staging.adopt(file);
  if (!staged.ok) throw new Error('not staged');
  return (await core.invoke('avatar.setOwn', { accountId: core.accountId, file: staged.staged.id })) as IdentityView;
}
