/**
 * The spell checking language per conversation, through the messenger's commands: a recorder plays
 * Electron's session (SpellcheckHost), the settings live in a real SQLite file across a restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountView } from '../../../../src/shared/contract';
import { createMessenger, type Messenger } from '../../../../src/main/core/messenger';
import { createMemorySecretStore } from '../../../../src/main/core/secrets';
import { silentLogger } from '../../../../src/main/core/log';
import type { SpellcheckHost } from '../../../../src/main/core/spellcheck';

const dirs: string[] = [];
const open: Messenger[] = [];
afterEach(async () => {
  for (const messenger of open.splice(0)) await messenger.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function recordingHost(available: string[]): SpellcheckHost & { used: (string | null)[] } {
  const used: (string | null)[] = [];
  return { used, available: () => available, use: (language) => void used.push(language) };
}

async function start(dir: string, spellcheck?: SpellcheckHost): Promise<Messenger> {
  const messenger = await createMessenger({
    dataDir: dir,
    secrets: createMemorySecretStore(),
    log: silentLogger,
    spellcheck,
    sessionFactory: () => ({ start() {}, stop: async () => {}, reconnectNow() {}, checkAlive() {} }),
  });
  open.push(messenger);
  return messenger;
}

async function addAccount(messenger: Messenger): Promise<string> {
  const result = await messenger.invoke('account.add', { jid: 'alice@example.org', password: 'pw' });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return (result.value as AccountView).id;
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-spell-'));
  dirs.push(dir);
  return dir;
}

describe('spell checking language per conversation', () => {
  it('keeps the choice per conversation across a restart and puts it to use when the conversation is in front', async () => {
    const dir = tempDir();
    const host = recordingHost(['en-US', 'de-DE', 'fr']);
    const first = await start(dir, host);
    const accountId = await addAccount(first);
    const bob = { accountId, conversation: 'bob@example.org' };
    const room = { accountId, conversation: 'room@conference.example.org' };

    expect(await first.invoke('spellcheck.forConversation', bob)).toEqual({
      ok: true,
      value: { available: ['de-DE', 'en-US', 'fr'], language: null },
    });
    expect(host.used).toEqual([null]);
    expect(await first.invoke('spellcheck.setLanguage', { ...bob, language: 'de-DE' })).toMatchObject({
      ok: true,
      value: { language: 'de-DE' },
    });
    expect(host.used.at(-1)).toBe('de-DE');
    // Another conversation keeps the default; coming back to Bob brings German back.
    await first.invoke('spellcheck.forConversation', room);
    expect(host.used.at(-1)).toBeNull();
    await first.invoke('spellcheck.forConversation', bob);
    expect(host.used.at(-1)).toBe('de-DE');
    await first.close();

    const restartedHost = recordingHost(['en-US', 'de-DE', 'fr']);
    const second = await start(dir, restartedHost);
    expect(await second.invoke('spellcheck.forConversation', bob)).toMatchObject({
      ok: true,
      value: { language: 'de-DE' },
    });
    expect(restartedHost.used).toEqual(['de-DE']);
    // Back to the default.
    await second.invoke('spellcheck.setLanguage', { ...bob, language: null });
    expect(await second.invoke('spellcheck.forConversation', bob)).toMatchObject({ value: { language: null } });
  });

  it('refuses a language without a dictionary, and falls back when a chosen dictionary is gone', async () => {
    const dir = tempDir();
    const first = await start(dir, recordingHost(['en-US', 'ru']));
    const accountId = await addAccount(first);
    const bob = { accountId, conversation: 'bob@example.org' };
    expect(await first.invoke('spellcheck.setLanguage', { ...bob, language: 'tlh' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await first.invoke('spellcheck.setLanguage', { ...bob, language: 'ru' })).toMatchObject({ ok: true });
    await first.close();

    const host = recordingHost(['en-US']);
    const second = await start(dir, host);
    expect(await second.invoke('spellcheck.forConversation', bob)).toMatchObject({
      ok: true,
      value: { available: ['en-US'], language: null },
    });
    expect(host.used).toEqual([null]);
  });

  it('offers no choice without a spell checker (the browser bridge) and refuses to set one', async () => {
    const messenger = await start(':memory:');
    const accountId = await addAccount(messenger);
    const bob = { accountId, conversation: 'bob@example.org' };
    expect(await messenger.invoke('spellcheck.forConversation', bob)).toEqual({
      ok: true,
      value: { available: [], language: null },
    });
    expect(await messenger.invoke('spellcheck.setLanguage', { ...bob, language: 'en-US' })).toMatchObject({
      ok: false,
    });
  });

  it('refuses an unknown account', async () => {
    const messenger = await start(':memory:', recordingHost(['en-US']));
    const result = await messenger.invoke('spellcheck.setLanguage', {
      accountId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      conversation: 'bob@example.org',
      language: 'en-US',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
