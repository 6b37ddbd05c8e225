/**
 * The command layer: every command validates its input in main, answers invalid_input for anything
 * malformed, and changes nothing when it does. Sessions are replaced by a recorder here (no network):
 * the real connections are covered by the integration suite.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandNames, type AccountView, type CommandName, type Snapshot } from '../../../../src/shared/contract';
import { createMessenger, type Messenger } from '../../../../src/main/core/messenger';
import { createMemorySecretStore } from '../../../../src/main/core/secrets';
import { silentLogger } from '../../../../src/main/core/log';
import type { SessionConfig, SessionHooks } from '../../../../src/main/core/accounts/session-api';

interface FakeSession {
  config: SessionConfig;
  hooks: SessionHooks;
  started: number;
  stopped: number;
  reconnects: number;
  checks: number;
}

let messenger: Messenger;
let sessions: FakeSession[];

beforeEach(async () => {
  sessions = [];
  messenger = await createMessenger({
    dataDir: ':memory:',
    secrets: createMemorySecretStore(),
    log: silentLogger,
    sessionFactory: (config, hooks) => {
      const session: FakeSession = { config, hooks, started: 0, stopped: 0, reconnects: 0, checks: 0 };
      sessions.push(session);
      return {
        start: () => void session.started++,
        stop: async () => void session.stopped++,
        reconnectNow: () => void session.reconnects++,
        checkAlive: () => void session.checks++,
      };
    },
  });
});

afterEach(async () => {
  await messenger.close();
});

async function snapshot(): Promise<Snapshot> {
  const result = await messenger.invoke('app.snapshot', {});
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value as Snapshot;
}

async function addAlice(): Promise<AccountView> {
  const result = await messenger.invoke('account.add', { jid: 'alice@example.org', password: 'secret-canary' });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value as AccountView;
}

const ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const FP = Array.from({ length: 32 }, () => 'AB').join(':');
const deep = (depth: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

// For every command: inputs that must be refused.
const malformed: Record<CommandName, unknown[]> = {
  'app.snapshot': [null, 'x', { extra: 1 }, []],
  'app.dismissNotice': [null, {}, { id: '' }, { id: 'x'.repeat(65) }, { id: 'store.recovered', extra: 1 }],
  'account.add': [
    null,
    {},
    { jid: 'not a jid', password: 'pw' },
    { jid: 'a@b@c', password: 'pw' },
    { jid: 'alice@example.org' },
    { jid: 'alice@example.org', password: '' },
    { jid: 'alice@example.org', password: 'x'.repeat(10 * 1024 * 1024) },
    { jid: 'alice@example.org', password: 'pw', port: 0 },
    { jid: 'alice@example.org', password: 'pw', port: 1.5 },
    { jid: 'alice@example.org', password: 'pw', port: '5222' },
    { jid: 'alice@example.org', password: 'pw', host: 'https://evil.example/' },
    { jid: 'alice@example.org', password: 'pw', color: 'red' },
    { jid: 'alice@example.org', password: 'pw', admin: true },
    JSON.parse('{"jid":"alice@example.org","password":"pw","__proto__":{"polluted":1}}'),
    { jid: deep(10_000), password: 'pw' },
    { jid: 42, password: 'pw' },
  ],
  'account.update': [null, {}, { id: '../etc' }, { id: ID, port: -1 }, { id: ID, jid: 'bad jid' }, { id: ID, x: 1 }],
  'account.remove': [null, {}, { id: '' }, { id: 1 }, { id: 'a'.repeat(65) }, { id: "x' OR 1=1 --" }],
  'account.setEnabled': [{ id: ID }, { id: ID, enabled: 'yes' }, { enabled: true }],
  'account.reconnectNow': [{}, { id: null }],
  'account.trustCertificate': [{ id: ID }, { id: ID, fingerprint: 'AB:CD' }, { id: ID, fingerprint: FP.toLowerCase() }],
  'account.forgetCertificate': [{ id: ID }, { id: ID, fingerprint: 'zz' }],
  'roster.update': [
    {},
    { accountId: ID, jid: 'a@b@c' },
    { accountId: ID, jid: 'bob@example.org/phone', name: 'Bob' },
    { accountId: ID, jid: 'bob@example.org', name: 'x'.repeat(1025) },
    { accountId: ID, jid: 'bob@example.org', groups: [''] },
    { accountId: ID, jid: 'bob@example.org', groups: 'Friends' },
    { accountId: ID, jid: 'bob@example.org', groups: Array.from({ length: 65 }, (_, i) => `g${i}`) },
    { accountId: ID, jid: 'bob@example.org', subscription: 'both' },
  ],
  'roster.remove': [{ accountId: ID }, { jid: 'bob@example.org' }, { accountId: ID, jid: '' }],
  'roster.renameGroup': [
    { accountId: ID, from: 'A' },
    { accountId: ID, from: '', to: 'B' },
    { accountId: ID, from: 'A', to: ' ' },
  ],
  'presence.set': [
    { show: 'busy' },
    { show: 'away', priority: 128 },
    { priority: 1.5 },
    { status: 'x'.repeat(1025) },
    { accountId: '../x', show: 'away' },
    { show: 'away', mood: 'happy' },
  ],
  'presence.directed': [
    { accountId: ID, jid: 'carol@example.org' },
    { accountId: ID, jid: 'a@b@c', send: true },
    { jid: 'carol@example.org', send: true },
  ],
  'timeline.get': [
    { accountId: ID },
    { accountId: ID, jid: 'bob@example.org/phone' },
    { accountId: ID, jid: 'bob@example.org', days: 0 },
    { accountId: ID, jid: 'bob@example.org', days: 91 },
    { accountId: ID, jid: 'bob@example.org', days: 1.5 },
    { accountId: ID, jid: 'bob@example.org', from: 0 },
  ],
  'timeline.settings': [null, { accountId: ID }],
  'timeline.setRetention': [
    { accountId: ID },
    { accountId: ID, retentionDays: 14 },
    { accountId: ID, retentionDays: '30' },
    { accountId: '../x', retentionDays: 30 },
  ],
  'timeline.clear': [{}, { accountId: ID, jid: 'a@b@c' }, { accountId: ID, jid: 'bob@example.org/phone' }],
  'subscription.respond': [
    { accountId: ID, jids: [], action: 'accept' },
    { accountId: ID, jids: ['bob@example.org'], action: 'ignore' },
    { accountId: ID, jids: ['bob@example.org/phone'], action: 'deny' },
    { accountId: ID, jids: ['a@b@c'], action: 'deny' },
    { accountId: ID, jids: Array.from({ length: 10_001 }, (_, i) => `u${i}@example.org`), action: 'deny' },
    { accountId: ID, jids: 'bob@example.org', action: 'deny' },
    { accountId: ID, jids: ['bob@example.org'], action: 'accept-add', groups: [''] },
  ],
  'subscription.add': [
    { accountId: ID },
    { accountId: ID, jid: 'not a jid' },
    { accountId: ID, jid: 'bob@example.org/phone' },
    { accountId: ID, jid: 'bob@example.org', nick: 'n'.repeat(257) },
    { accountId: ID, jid: 'bob@example.org', message: 'm'.repeat(1025) },
    { accountId: ID, jid: 'bob@example.org', subscription: 'both' },
  ],
  'subscription.change': [
    { accountId: ID, jid: 'bob@example.org' },
    { accountId: ID, jid: 'bob@example.org', action: 'approve' },
    { accountId: ID, jid: '@example.org', action: 'request' },
  ],
  'subscription.setPolicy': [
    { accountId: ID, incoming: 'always' },
    { accountId: ID, acceptAsked: 'yes' },
    { incoming: 'ask' },
  ],
  'muc.join': [
    { accountId: ID, room: 'room@conference.example.org' },
    { accountId: ID, room: 'conference.example.org', nick: 'me' },
    { accountId: ID, room: 'room@conference.example.org/me', nick: 'me' },
    { accountId: ID, room: 'room@conference.example.org', nick: '' },
    { accountId: ID, room: 'room@conference.example.org', nick: 'n'.repeat(257) },
    { accountId: ID, room: 'room@conference.example.org', nick: 'bad\u0007nick' },
  ],
  'muc.leave': [{ accountId: ID }, { accountId: ID, room: 'a@b@c' }],
  'muc.setNick': [{ accountId: ID, room: 'room@conference.example.org', nick: ' ' }],
  'muc.browse': [{ accountId: ID }, { accountId: ID, service: 'conference example' }],
  'muc.setSubject': [{ accountId: ID, room: 'room@conference.example.org', subject: 's'.repeat(4097) }],
  'muc.setRole': [
    { accountId: ID, room: 'room@conference.example.org', nick: 'bob' },
    { accountId: ID, room: 'room@conference.example.org', nick: 'bob', role: 'king' },
    { accountId: ID, room: 'room@conference.example.org', jid: 'bob@example.org', role: 'none' },
    { accountId: ID, room: 'room@conference.example.org', nick: 'bob', role: 'none', affiliation: 'outcast' },
  ],
  'muc.setAffiliation': [
    { accountId: ID, room: 'room@conference.example.org', affiliation: 'member' },
    { accountId: ID, room: 'room@conference.example.org', nick: 'bob', affiliation: 'king' },
    { accountId: ID, room: 'room@conference.example.org', nick: 'bob', role: 'none', affiliation: 'outcast' },
  ],
  'muc.affiliations': [{ accountId: ID, room: 'room@conference.example.org', affiliation: 'none' }],
  'muc.bookmark': [
    { accountId: ID, room: 'not a room' },
    { accountId: ID, room: 'room@conference.example.org', autojoin: 'yes' },
  ],
  'muc.invite': [
    { accountId: ID, room: 'room@conference.example.org', jid: 'x@y@z' },
    { accountId: ID, room: 'room@conference.example.org', jid: 'x@y', direct: 'yes' },
  ],
  'muc.configuration': [{ accountId: ID, room: 'conference.example.org' }, { accountId: ID }],
  'muc.configure': [
    { accountId: ID, room: 'room@conference.example.org' },
    { accountId: ID, room: 'room@conference.example.org', values: {}, instant: false },
    { accountId: ID, room: 'room@conference.example.org', values: { a: 'x' } },
  ],
  'muc.destroy': [
    { accountId: ID, room: 'room@conference.example.org', venue: 'conference.example.org' },
    { accountId: ID, room: 'room@conference.example.org', reason: 'x'.repeat(1025) },
  ],
  'muc.requestVoice': [{ accountId: ID, room: 'room@conference.example.org/nick' }],
  'muc.answerVoice': [
    { accountId: ID, id: '', allow: true },
    { accountId: ID, id: 'x', allow: 'yes' },
  ],
  'muc.roomInfo': [{ accountId: ID, room: 'x@y@z' }],
  'muc.answerInvite': [
    { accountId: ID, id: '', accept: true },
    { accountId: ID, id: 'x' },
  ],
  'message.send': [
    { accountId: ID, conversation: 'bob@example.org', kind: 'chat', body: '   ' },
    { accountId: ID, conversation: 'bob@example.org', kind: 'chat', body: 'x'.repeat(64 * 1024 + 1) },
    { accountId: ID, conversation: 'bob@example.org', kind: 'email', body: 'hi' },
    { accountId: ID, conversation: 'bob@example.org', kind: 'chat' },
  ],
  'chat.setState': [
    { accountId: ID, conversation: 'bob@example.org', kind: 'groupchat', state: 'composing' },
    { accountId: ID, conversation: 'bob@example.org', kind: 'chat', state: 'gone' },
  ],
  'message.react': [
    { accountId: ID, id: 1, emojis: ['x'.repeat(33)] },
    { accountId: ID, id: 1, emojis: Array.from({ length: 17 }, (_, i) => String(i)) },
    { accountId: ID, id: 1, emojis: [''] },
  ],
  'message.retract': [{ accountId: ID, id: 0 }, { accountId: ID }],
  'muc.moderate': [
    { accountId: ID, id: 1, reason: 'x'.repeat(1025) },
    { accountId: ID, id: 0 },
  ],
  'message.retry': [
    { accountId: ID, id: 0 },
    { accountId: ID, id: 1.5 },
    { accountId: ID, id: 1, withoutEncryption: false },
  ],
  'encryption.conversation': [
    { accountId: ID },
    { accountId: ID, conversation: 'bob@example.org/phone' },
    { accountId: ID, conversation: 'bob@example.org', extra: 1 },
  ],
  'encryption.setEncrypted': [
    { accountId: ID, conversation: 'bob@example.org' },
    { accountId: ID, conversation: 'bob@example.org', encrypted: 'yes' },
  ],
  'encryption.devices': [{ accountId: ID }, { accountId: ID, jid: 'not a jid@@' }],
  'encryption.setTrust': [
    { accountId: ID, jid: 'bob@example.org', fingerprint: 'ab'.repeat(32), trust: 'blind' },
    { accountId: ID, jid: 'bob@example.org', fingerprint: 'ab'.repeat(31), trust: 'verified' },
    { accountId: ID, jid: 'bob@example.org', fingerprint: 'zz'.repeat(32), trust: 'verified' },
  ],
  'encryption.verifyLink': [
    { accountId: ID, jid: 'bob@example.org' },
    { accountId: ID, jid: 'bob@example.org', link: 'x'.repeat(8193) },
  ],
  'encryption.newKey': [{}, { accountId: ID, extra: 1 }],
  'message.history': [{ accountId: ID, conversation: 'bob@example.org', limit: 501 }],
  'message.search': [{ query: '   ' }, { query: 'q'.repeat(257) }],
  'history.older': [
    { accountId: ID, conversation: 'bob@example.org' },
    { accountId: ID, conversation: 'bob@example.org/phone', kind: 'pm' },
    { accountId: ID, conversation: '', kind: 'chat' },
  ],
  'conversation.markRead': [{ accountId: ID }],
  'draft.get': [{ accountId: ID }, { accountId: ID, conversation: '' }],
  'draft.set': [
    { accountId: ID, conversation: 'bob@example.org' },
    { accountId: ID, conversation: 'bob@example.org', text: 'x'.repeat(64 * 1024 + 1) },
    { accountId: ID, conversation: 'bob@example.org', text: 'hi', extra: 1 },
  ],
  'prefs.update': [
    null,
    { rosterSort: 'random' },
    { rosterHideOffline: 1 },
    { rosterView: '../x' },
    { rosterCollapsed: 'Friends' },
    { theme: 'dark' },
    { idleAwayMinutes: 0 },
    { idleXaMinutes: 2.5 },
    { closeToTray: 'yes' },
    { startAtLogin: 'true' },
    { startHidden: null },
  ],
  'spellcheck.forConversation': [{ accountId: ID }, { accountId: ID, conversation: 1 }],
  'blocklist.list': [{}, { accountId: '../x' }],
  'blocklist.block': [
    { accountId: ID, jids: [] },
    { accountId: ID, jids: ['a@b@c'] },
    { accountId: ID, jids: 'bob@example.org' },
    { accountId: ID, jids: Array.from({ length: 10_001 }, (_, i) => `u${i}@example.org`) },
  ],
  'blocklist.unblock': [
    { accountId: ID },
    { accountId: ID, jids: ['bob@example.org'], all: true },
    { accountId: ID, all: false },
    { accountId: ID, jids: [] },
  ],
  'registration.start': [
    {},
    { domain: 'alice@example.org' },
    { domain: 'example.org/res' },
    { domain: 'example.org', port: 0 },
    { domain: 'example.org', host: 'https://evil.example/' },
  ],
  'registration.submit': [
    { id: 'short', values: {} },
    { id: 'aaaaaaaaaaaa' },
    { id: 'aaaaaaaaaaaa', values: { username: 'alice' } },
    { id: 'aaaaaaaaaaaa', values: { password: ['x'.repeat(64 * 1024 + 1)] } },
    { id: 'aaaaaaaaaaaa', values: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}`, []])) },
  ],
  'registration.media': [{ id: 'abcdefgh12', uri: 'https://example.org/x.png' }, { id: 'abcdefgh12' }],
  'registration.cancel': [{}, { id: '../../x' }],
  'account.changePassword': [{ id: ID }, { id: ID, password: '' }, { id: ID, password: 'x'.repeat(1025) }],
  'account.deleteOnServer': [{}, { id: "x' OR 1=1 --" }],
  'disco.info': [{ accountId: ID }, { accountId: ID, jid: 'a@b@c' }, { accountId: ID, jid: 'example.org', node: '' }],
  'disco.items': [
    { accountId: ID, jid: '' },
    { accountId: ID, jid: 'example.org', node: 5 },
  ],
  'adhoc.list': [{ accountId: ID }, { accountId: ID, jid: 'a b' }],
  'adhoc.execute': [
    { accountId: ID, jid: 'example.org' },
    { accountId: ID, jid: 'example.org', node: '' },
  ],
  'adhoc.continue': [
    { accountId: ID, sessionId: 'x', action: 'next' },
    { accountId: ID, sessionId: 'aaaaaaaaaaaa', action: 'cancel' },
    { accountId: ID, sessionId: 'aaaaaaaaaaaa', action: 'next', values: { f: 'x' } },
  ],
  'adhoc.cancel': [{ accountId: ID }, { accountId: ID, sessionId: '<x/>' }],
  'entity.version': [{ accountId: ID }, { accountId: ID, jid: '@example.org' }],
  'entity.lastActivity': [{ accountId: ID, jid: 'a@b/' }],
  'entity.time': [{ accountId: ID, jid: 42 }],
  'console.setCapture': [{ accountId: ID }, { accountId: ID, capture: 'yes' }],
  'console.clear': [{ accountId: 1 }],
  'uri.open': [{}, { uri: 42 }, { uri: 'x'.repeat(16 * 1024 + 1) }],
  'console.send': [{ accountId: ID, xml: '' }, { accountId: ID, xml: 'x'.repeat(64 * 1024 + 1) }, { accountId: ID }],
  'spellcheck.setLanguage': [
    { accountId: ID, conversation: 'bob@example.org' },
    { accountId: ID, conversation: 'bob@example.org', language: '../../etc' },
    { accountId: ID, conversation: 'bob@example.org', language: 'en_US' },
    { accountId: ID, conversation: 'bob@example.org', language: 'x'.repeat(40) },
  ],
  'upload.pick': [null, { path: '/etc/passwd' }],
  'upload.start': [
    { accountId: ID, conversation: 'bob@example.org', kind: 'chat' },
    { accountId: ID, conversation: 'bob@example.org', kind: 'chat', file: '../../etc/passwd' },
    { accountId: ID, conversation: 'bob@example.org', kind: 'chat', file: 'abc', path: '/etc/passwd' },
    { accountId: ID, conversation: 'bob@example.org', kind: 'email', file: 'abc' },
  ],
  'upload.service': [{}, { accountId: '../x' }],
  'transfer.cancel': [{}, { id: 'a/b' }, { id: 'x'.repeat(65) }],
  'transfer.retry': [{}, { id: '' }],
  'transfer.dismiss': [{ id: 5 }],
  'file.inspect': [{ accountId: ID }, { accountId: ID, messageId: 0 }, { accountId: ID, url: 'https://x/y' }],
  'media.preview': [{ accountId: ID }, { accountId: ID, messageId: 'x' }, { accountId: ID, url: 'https://a/b.png' }],
  'file.open': [{}, { id: '../x' }, { id: 'abc', path: '/etc/passwd' }],
  'download.start': [
    { accountId: ID, messageId: 0 },
    { accountId: ID, messageId: 1.5 },
    { accountId: ID, messageId: 1, url: 'file:///etc/passwd' },
  ],
  'profile.get': [null, { accountId: ID }, { accountId: ID, jid: 'a@b/res' }, { accountId: ID, jid: 'a@b', x: 1 }],
  'profile.setOwn': [
    { accountId: ID },
    { accountId: ID, profile: {} },
    {
      accountId: ID,
      profile: {
        fullName: 'x'.repeat(2000),
        nickname: null,
        organisation: null,
        email: null,
        url: null,
        note: null,
        birthday: null,
      },
    },
  ],
  'avatar.setOwn': [{ accountId: ID }, { accountId: ID, file: '../../etc/passwd' }, { accountId: ID, file: 5 }],
};

describe('command validation', () => {
  it('covers every command of the contract', () => {
    expect(Object.keys(malformed).sort()).toEqual([...commandNames].sort());
  });

  for (const command of commandNames) {
    it(`${command} rejects malformed input with invalid_input and changes nothing`, async () => {
      const alice = await addAlice();
      const before = await snapshot();
      for (const input of malformed[command]) {
        const result = await messenger.invoke(command, input);
        expect(result.ok, `${command} accepted input #${malformed[command].indexOf(input)}`).toBe(false);
        if (!result.ok) {
          expect(result.error).toMatchObject({ code: 'invalid_input', reason: 'input.invalid' });
          // Codes and parameters only (a schema's own check is a code too): the renderer words them.
          const issues = result.error.reason === 'input.invalid' ? result.error.params.issues : [];
          expect(issues.every((issue) => issue.message === undefined || /^check\.\w+$/.test(issue.message))).toBe(true);
        }
      }
      const after = await snapshot();
      expect(after.accounts).toEqual(before.accounts);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(sessions.filter((s) => s.stopped > 0)).toHaveLength(0);
      expect(after.accounts[0].id).toBe(alice.id);
    });
  }

  it('unknown commands are invalid_input', async () => {
    for (const name of ['account.delete', '__proto__', 'constructor', 42, null]) {
      const result = await messenger.invoke(name, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
  });

  it("refused input names each field with the zod code and parameters and the schema's check code, no words", async () => {
    const result = await messenger.invoke('account.add', { jid: 'a@b@c', password: 'pw', port: 70000 });
    expect(result.ok).toBe(false);
    if (!result.ok && result.error.reason === 'input.invalid') {
      const issues = result.error.params.issues;
      expect(issues.find((issue) => issue.path[0] === 'jid')).toMatchObject({ code: 'custom' });
      expect(issues.find((issue) => issue.path[0] === 'jid')?.message).toMatch(/^check\.\w+$/);
      expect(issues.find((issue) => issue.path[0] === 'port')).toEqual({
        path: ['port'],
        code: 'too_big',
        params: { maximum: 65535, origin: 'number', inclusive: true },
        message: 'check.portRange',
      });
    } else throw new Error('expected input.invalid');
  });

  it("leaves zod's own English messages out of a refusal", async () => {
    const result = await messenger.invoke('timeline.get', { accountId: 'a1', jid: 'bob@example.org', days: 0 });
    expect(result).toMatchObject({ ok: false, error: { reason: 'input.invalid' } });
    if (!result.ok && result.error.reason === 'input.invalid') {
      expect(result.error.params.issues).toEqual([
        { path: ['days'], code: 'too_small', params: { minimum: 1, origin: 'number', inclusive: true } },
      ]);
    }
  });
});

describe('account commands', () => {
  it('adds an account, normalizes the JID, starts its session, never returns the password', async () => {
    const result = await messenger.invoke('account.add', {
      jid: ' Alice@Example.ORG ',
      password: 'secret-canary',
      host: '127.0.0.1',
      port: 5222,
    });
    expect(result.ok).toBe(true);
    const view = (result as { value: AccountView }).value;
    expect(view.jid).toBe('alice@example.org');
    expect(JSON.stringify(view)).not.toContain('secret-canary');
    expect(JSON.stringify(await snapshot())).not.toContain('secret-canary');
    expect(sessions).toHaveLength(1);
    expect(sessions[0].config).toMatchObject({
      jid: 'alice@example.org',
      password: 'secret-canary',
      host: '127.0.0.1',
    });
    expect(sessions[0].started).toBe(1);
  });

  it('refuses the same JID twice with a field error', async () => {
    await addAlice();
    const again = await messenger.invoke('account.add', { jid: 'ALICE@example.org', password: 'x' });
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'conflict', reason: 'account.exists', field: 'jid', params: { jid: 'alice@example.org' } },
    });
    expect((await snapshot()).accounts).toHaveLength(1);
  });

  it('update of label keeps the session; update of host restarts it', async () => {
    const alice = await addAlice();
    await messenger.invoke('account.update', { id: alice.id, label: 'Work' });
    expect(sessions).toHaveLength(1);
    await messenger.invoke('account.update', { id: alice.id, host: 'xmpp.example.org' });
    expect(sessions).toHaveLength(2);
    expect(sessions[0].stopped).toBe(1);
    expect(sessions[1].config.host).toBe('xmpp.example.org');
    expect((await snapshot()).accounts[0]).toMatchObject({ label: 'Work', host: 'xmpp.example.org' });
  });

  it('disable stops the session, enable starts a new one, remove forgets everything', async () => {
    const alice = await addAlice();
    await messenger.invoke('account.setEnabled', { id: alice.id, enabled: false });
    expect(sessions[0].stopped).toBe(1);
    expect((await snapshot()).accounts[0].connection.status).toBe('offline');
    await messenger.invoke('account.setEnabled', { id: alice.id, enabled: true });
    expect(sessions).toHaveLength(2);
    expect(await messenger.invoke('account.remove', { id: alice.id })).toEqual({ ok: true, value: null });
    expect((await snapshot()).accounts).toEqual([]);
    expect(await messenger.invoke('account.remove', { id: alice.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('pins only the certificate the server actually presented', async () => {
    const alice = await addAlice();
    const refused = await messenger.invoke('account.trustCertificate', { id: alice.id, fingerprint: FP });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    sessions[0].hooks.onStatus({
      status: 'error',
      since: Date.now(),
      error: {
        kind: 'certificate',
        reason: 'connection.certificateNotTrusted',
        certificate: {
          fingerprint256: FP,
          subject: 'CN=example.org',
          issuer: 'CN=example.org',
          validFrom: '',
          validTo: '',
          problem: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', domain: 'example.org', notBefore: null, notAfter: null },
          changedFromPinned: false,
        },
      },
    });
    const trusted = await messenger.invoke('account.trustCertificate', { id: alice.id, fingerprint: FP });
    expect(trusted).toMatchObject({ ok: true, value: { pinnedCertificates: [FP] } });
    expect(sessions).toHaveLength(2);
    expect(sessions[1].config.pinnedCertificates).toEqual([FP]);
  });

  it('checks every live connection when the computer wakes up', async () => {
    const alice = await addAlice();
    await messenger.invoke('account.add', { jid: 'bob@example.org', password: 'pw', enabled: false });
    messenger.checkConnections();
    expect(sessions).toHaveLength(1);
    expect(sessions[0].checks).toBe(1);
    await messenger.invoke('account.setEnabled', { id: alice.id, enabled: false });
    messenger.checkConnections();
    expect(sessions[0].checks).toBe(1);
  });

  it('emits connection changes as numbered batches after the snapshot', async () => {
    const alice = await addAlice();
    const base = await snapshot();
    const batches: { seq: number; types: string[] }[] = [];
    messenger.subscribe((batch) => batches.push({ seq: batch.seq, types: batch.events.map((e) => e.type) }));
    sessions[0].hooks.onStatus({ status: 'connecting', since: 1 });
    sessions[0].hooks.onStatus({ status: 'online', since: 2, boundJid: 'alice@example.org/jw' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(batches).toEqual([{ seq: base.seq + 1, types: ['account.connection'] }]);
    expect((await snapshot()).accounts.find((a) => a.id === alice.id)?.connection.status).toBe('online');
  });
});
