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

describe('the Signal library', () => {
  it('is loaded, with its asm.js heap, only when OMEMO first needs it', () => {
    const built = buildSync({
      stdin: { contents: PROBE, resolveDir: ROOT, loader: 'ts' },
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
      const out = JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' })) as {
        loaded: string[];
        before: number;
        after: number;
        signed: number;
      };
      expect(out.loaded).toEqual(['function', 'function']);
      // The engine's modules are in, the curve's heap is not…
      expect(out.before).toBeLessThan(4 * 1024 * 1024);
      // …until the first key is made and signed.
      expect(out.after - out.before).toBeGreaterThanOrEqual(15 * 1024 * 1024);
      expect(out.signed).toBe(64);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
