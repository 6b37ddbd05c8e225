import { createPinia, setActivePinia } from 'pinia';
import { effect } from 'vue';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CommandInput, CommandName, Snapshot } from '../../../../src/shared/contract';
import { ok, type Result } from '../../../../src/shared/result';
import { startEventPump } from '../../../../src/renderer/src/api/pump';
import { useAccountsStore } from '../../../../src/renderer/src/stores/accounts';
import { useAppStore } from '../../../../src/renderer/src/stores/app';
import {
  buildAddInput,
  buildUpdateInput,
  type AccountFormValues,
} from '../../../../src/renderer/src/components/accounts/account-form';
import { inkFor, statusLine } from '../../../../src/renderer/src/components/accounts/describe';
import { account, flush, scriptedTransport, snapshot } from '../fixtures';

const storage = { encrypted: false, description: 'no keychain available' };
/** A transport whose snapshot replies and events the test controls. */
function fakeTransport() {
  const snapshots: ((result: Result<Snapshot>) => void)[] = [];
  const fake = scriptedTransport(<K extends CommandName>(command: K, input: CommandInput<K>) => {
    if (command !== 'app.snapshot') throw new Error(`unexpected ${command}`);
    // The window's first screen: none here (the whole snapshot is what these tests answer).
    if ((input as { firstScreen?: number }).firstScreen) return Promise.resolve(ok(snapshot())) as never;
    return new Promise((resolve) => snapshots.push(resolve as (result: Result<Snapshot>) => void)) as never;
  });
  return {
    ...fake,
    answerSnapshot: (snapshot: Snapshot) => snapshots.shift()?.(ok(snapshot)),
    pendingSnapshots: () => snapshots.length,
  };
}

describe('accounts store and event pump', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('applies the snapshot, then only batches newer than it, buffered while the snapshot was on its way', async () => {
    const accounts = useAccountsStore();
    const fake = fakeTransport();
    startEventPump(fake.transport, { accounts, app: useAppStore() });
    fake.setLink(true);
    expect(fake.pendingSnapshots()).toBe(1);

    // Arrive before the snapshot reply: seq 5 is already in the snapshot, seq 6 is not.
    fake.push({ seq: 5, events: [{ type: 'account.removed', id: 'a1' }] });
    fake.push({
      seq: 6,
      events: [{ type: 'account.connection', id: 'a1', connection: { status: 'online', since: 1 } }],
    });
    fake.answerSnapshot(snapshot({ seq: 5, accounts: [account('a1', 'alice@example.org')], secretStorage: storage }));
    await flush();

    expect(accounts.loaded).toBe(true);
    expect(accounts.list.map((a) => [a.id, a.connection.status])).toEqual([['a1', 'online']]);

    fake.push({ seq: 6, events: [{ type: 'account.removed', id: 'a1' }] }); // a replay: ignored
    expect(accounts.list).toHaveLength(1);
    fake.push({ seq: 7, events: [{ type: 'account.upserted', account: account('a2', 'bob@example.org') }] });
    expect(accounts.list.map((a) => a.id)).toEqual(['a1', 'a2']);
  });

  it('loads a fresh snapshot after the link comes back, replacing what it had', async () => {
    const accounts = useAccountsStore();
    const app = useAppStore();
    const fake = fakeTransport();
    startEventPump(fake.transport, { accounts, app });
    fake.setLink(true);
    fake.answerSnapshot(snapshot({ seq: 10, accounts: [account('a1', 'alice@example.org')], secretStorage: storage }));
    await flush();

    fake.setLink(false);
    expect(app.link).toBe('lost');
    fake.setLink(true);
    expect(fake.pendingSnapshots()).toBe(1);
    // The core restarted: its sequence starts again, and a1 was removed meanwhile.
    fake.answerSnapshot(snapshot({ seq: 2, accounts: [account('a3', 'carol@example.org')], secretStorage: storage }));
    await flush();
    expect(app.link).toBe('up');
    expect(accounts.list.map((a) => a.id)).toEqual(['a3']);
    fake.push({ seq: 3, events: [{ type: 'account.removed', id: 'a3' }] });
    expect(accounts.list).toEqual([]);
  });

  it('applies a whole batch with one change notification, keeping each account in its place', () => {
    const accounts = useAccountsStore();
    accounts.applySnapshot(
      snapshot({
        seq: 0,
        accounts: [account('a1', 'alice@example.org'), account('a2', 'bob@example.org')],
        secretStorage: storage,
      }),
    );
    let runs = 0;
    effect(() => {
      void accounts.byId;
      runs++;
    });
    runs = 0;
    accounts.applyEvents([
      { type: 'account.connection', id: 'a1', connection: { status: 'connecting', since: 1 } },
      { type: 'account.connection', id: 'a2', connection: { status: 'online', since: 2 } },
      { type: 'account.upserted', account: account('a1', 'alice@example.org', { label: 'Home' }) },
      { type: 'account.connection', id: 'nobody', connection: { status: 'online', since: 2 } },
    ]);
    expect(runs).toBe(1);
    expect(accounts.list.map((a) => [a.id, a.label, a.connection.status])).toEqual([
      ['a1', 'Home', 'offline'],
      ['a2', '', 'online'],
    ]);
  });
});

describe('account form', () => {
  const values = (over: Partial<AccountFormValues> = {}): AccountFormValues => ({
    jid: 'alice@example.org',
    password: 'secret',
    host: '',
    port: '',
    label: '',
    color: '#3a5bd9',
    rememberPassword: false,
    ...over,
  });

  it('refuses bad input field by field and produces nothing to send', () => {
    const checked = buildAddInput(values({ jid: 'alice@@example.org', password: '', port: '70000', host: 'http://x' }));
    expect(checked.input).toBeNull();
    expect(checked.errors).toMatchObject({
      jid: 'An address can contain only one "@".',
      password: 'Enter the password.',
      port: expect.stringContaining('65535'),
      host: expect.stringContaining('host name'),
    });
    expect(buildAddInput(values({ jid: 'alice' })).errors?.jid).toBe('An account address looks like name@example.org.');
    expect(buildAddInput(values({ port: '52a2' })).errors?.port).toContain('65535');
  });

  it('builds an add input with empty optional fields as null', () => {
    expect(buildAddInput(values({ host: ' 127.0.0.1 ', port: '5222', rememberPassword: true }))).toEqual({
      errors: null,
      input: {
        jid: 'alice@example.org',
        password: 'secret',
        host: '127.0.0.1',
        port: 5222,
        color: '#3a5bd9',
        rememberPassword: true,
      },
    });
  });

  it('sends only what changed on edit, and the password only when a new one was typed', () => {
    const existing = account('a1', 'alice@example.org', { host: 'xmpp.example.org', port: 5222, label: 'Home' });
    const unchanged = values({ password: '', host: 'xmpp.example.org', port: '5222', label: 'Home' });
    expect(buildUpdateInput(existing, unchanged, false)).toEqual({ errors: null, input: { id: 'a1' } });
    expect(buildUpdateInput(existing, { ...unchanged, host: '', port: '', password: 'new' }, false).input).toEqual({
      id: 'a1',
      host: null,
      port: null,
      password: 'new',
      rememberPassword: false,
    });
    expect(buildUpdateInput(existing, { ...unchanged, jid: 'bad jid@x' }, false).errors?.jid).toBeDefined();
  });
});

describe('connection words', () => {
  it('counts down to the next attempt and names errors', () => {
    const now = 1_000_000;
    expect(statusLine({ status: 'reconnecting', since: now, nextAttemptAt: now + 11_200 }, now)).toBe(
      'Reconnecting in 12 s',
    );
    expect(statusLine({ status: 'reconnecting', since: now, nextAttemptAt: now - 5 }, now)).toBe('Reconnecting…');
    expect(statusLine({ status: 'connecting', since: now }, now)).toBe('Connecting…');
    expect(
      statusLine(
        { status: 'error', since: now, error: { kind: 'tls-unavailable', reason: 'connection.tlsUnavailable' } },
        now,
      ),
    ).toBe('Error: the server does not offer encryption');
  });

  it('picks readable text for an account colour', () => {
    expect(inkFor('#ffff00')).toBe('#111111');
    expect(inkFor('#3a5bd9')).toBe('#ffffff');
  });
});
