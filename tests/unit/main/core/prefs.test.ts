import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PREFS, type EventBatch, type Prefs, type Snapshot } from '../../../../src/shared/contract';
import { createMessenger } from '../../../../src/main/core/messenger';
import { createMemorySecretStore } from '../../../../src/main/core/secrets';
import { silentLogger } from '../../../../src/main/core/log';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function open(dir: string) {
  return createMessenger({ dataDir: dir, secrets: createMemorySecretStore(), log: silentLogger, flushMs: 1 });
}

describe('preferences', () => {
  it('start from the defaults, merge updates, announce them and survive a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-prefs-'));
    dirs.push(dir);
    const first = await open(dir);
    const initial = (await first.invoke('app.snapshot', {})) as { ok: true; value: Snapshot };
    expect(initial.value.prefs).toEqual(DEFAULT_PREFS);

    const seen: Prefs[] = [];
    first.subscribe((batch: EventBatch) => {
      for (const event of batch.events) if (event.type === 'prefs.changed') seen.push(event.prefs);
    });
    await first.invoke('prefs.update', { rosterCollapsed: ['*|Friends'] });
    const result = await first.invoke('prefs.update', { rosterSort: 'name' });
    expect(result).toEqual({
      ok: true,
      value: { ...DEFAULT_PREFS, rosterSort: 'name', rosterCollapsed: ['*|Friends'] },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen.at(-1)?.rosterSort).toBe('name');
    await first.close();

    const second = await open(dir);
    const restored = (await second.invoke('app.snapshot', {})) as { ok: true; value: Snapshot };
    expect(restored.value.prefs).toMatchObject({ rosterSort: 'name', rosterCollapsed: ['*|Friends'] });
    await second.close();
  });

  it('keep name colours turned off across a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-prefs-'));
    dirs.push(dir);
    const first = await open(dir);
    expect(await first.invoke('prefs.update', { nameColours: false })).toMatchObject({
      ok: true,
      value: { nameColours: false },
    });
    await first.close();
    const second = await open(dir);
    const restored = (await second.invoke('app.snapshot', {})) as { ok: true; value: Snapshot };
    expect(restored.value.prefs.nameColours).toBe(false);
    await second.close();
  });
});
