/**
 * The Signal library is loaded on first use: requiring it instantiates its asm.js Curve25519 with a
 * 16 MB heap, which a session that never needs OMEMO's key arithmetic should not carry. Checked in
 * a fresh Node process (the OMEMO engine and its key code bundled with esbuild), where nothing else
 * has loaded the library.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../../../../../..');

const PROBE = `
import { signalLibrary } from './src/main/core/encryption/omemo/native-curve';
import { Omemo03 } from './src/main/core/encryption/omemo/omemo03';
import { topUpKeys } from './src/main/core/encryption/omemo/keys';

const heap = () => process.memoryUsage().arrayBuffers;
const loaded = [typeof Omemo03, typeof topUpKeys];
const before = heap();
void signalLibrary().then(async (library) => {
  const pair = await library.KeyHelper.generateIdentityKeyPair();
  const signed = await library.KeyHelper.generateSignedPreKey(pair, 1);
  console.log(JSON.stringify({ loaded, before, after: heap(), signed: signed.signature.byteLength }));
});
`;

/** A new identity, its signed pre-key and 100 pre-keys, and the bundle we publish, on a store in a Map. */
const NEW_IDENTITY_PROBE = `
import { createIdentity, ownBundle, topUpKeys } from './src/main/core/encryption/omemo/keys';

const rows = new Map();
const repo = {
  replaceIdentity: (_a, row) => rows.set('identity', row),
  signedPreKeys: () => (rows.has('signed') ? [rows.get('signed')] : []),
  putSignedPreKey: (_a, _n, key) => rows.set('signed', { ...key, createdAt: Date.now() }),
  deleteSignedPreKey: () => undefined,
  preKeys: () => rows.get('pre') ?? [],
  maxPreKeyId: () => 0,
  addPreKeys: (_a, _n, keys) => rows.set('pre', keys),
};
const vault = { save: () => undefined };
const heap = () => process.memoryUsage().arrayBuffers;
const before = heap();
void (async () => {
  const identity = await createIdentity(repo, vault, 'a', []);
  await topUpKeys(repo, 'a', 'ns', identity);
  const bundle = ownBundle(repo, 'a', 'ns', identity);
  console.log(JSON.stringify({ before, after: heap(), preKeys: bundle.preKeys.length, signature: bundle.signature.length }));
})();
`;

function runProbe(source: string): Record<string, unknown> {
  const built = buildSync({
    stdin: { contents: source, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-signal-'));
  try {
    const file = path.join(dir, 'probe.cjs');
    fs.writeFileSync(file, built.outputFiles[0].text);
    return JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' })) as Record<string, unknown>;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the Signal library', () => {
  it('is not loaded to make a new identity and its keys, nor to build the bundle we publish', () => {
    const out = runProbe(NEW_IDENTITY_PROBE) as { before: number; after: number; preKeys: number; signature: number };
    expect(out.preKeys).toBe(100);
    expect(out.signature).toBe(64);
    // No asm.js heap: the library was not instantiated (its signatures are checked in wire.test.ts).
    expect(out.after - out.before).toBeLessThan(4 * 1024 * 1024);
  }, 60_000);

  it('is loaded, with its asm.js heap, only when OMEMO first needs it', () => {
    const out = runProbe(PROBE) as { loaded: string[]; before: number; after: number; signed: number };
    expect(out.loaded).toEqual(['function', 'function']);
    // The engine's modules are in, the curve's heap is not…
    expect(out.before).toBeLessThan(4 * 1024 * 1024);
    // …until the first key is made and signed.
    expect(out.after - out.before).toBeGreaterThanOrEqual(15 * 1024 * 1024);
    expect(out.signed).toBe(64);
  }, 60_000);
});
