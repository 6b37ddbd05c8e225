/**
 * Auto-away with a fake clock and a fake idle source: the controller only sees seconds of idle,
 * a lock flag, and the accounts' own presence through IdleAccounts.
 */
import { describe, expect, it } from 'vitest';
import {
  IdleController,
  type IdleAccounts,
  type IdleChangeMeta,
  type IdleClock,
  type IdlePresence,
  type IdleSettings,
} from '../../../../../../src/main/core/features/presence/idle';

class FakeClock implements IdleClock {
  time = 1_000_000;
  private nextId = 1;
  readonly timers = new Map<number, { callback: () => void; ms: number; due: number }>();
  now() {
    return this.time;
  }
  setInterval(callback: () => void, ms: number) {
    const id = this.nextId++;
    this.timers.set(id, { callback, ms, due: this.time + ms });
    return id;
  }
  clearInterval(handle: unknown) {
    this.timers.delete(handle as number);
  }
  /** Moves time forward, firing intervals in order. */
  advance(ms: number) {
    const end = this.time + ms;
    for (;;) {
      const next = [...this.timers.entries()].sort((a, b) => a[1].due - b[1].due)[0];
      if (!next || next[1].due > end) break;
      this.time = next[1].due;
      next[1].due += next[1].ms;
      next[1].callback();
    }
    this.time = end;
  }
}

/** Idle time follows the fake clock from the last input, like the OS does. */
class FakeSource {
  lastInput: number;
  locked = false;
  listeners = new Set<() => void>();
  constructor(private readonly clock: FakeClock) {
    this.lastInput = clock.time;
  }
  idleSeconds() {
    return Math.floor((this.clock.time - this.lastInput) / 1000);
  }
  isLocked() {
    return this.locked;
  }
  onChange(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  input() {
    this.lastInput = this.clock.time;
  }
  emit() {
    for (const listener of this.listeners) listener();
  }
}

class FakeAccounts implements IdleAccounts {
  readonly presence = new Map<string, IdlePresence>();
  readonly calls: { id: string; presence: IdlePresence; meta: IdleChangeMeta }[] = [];
  constructor(initial: Record<string, IdlePresence>) {
    for (const [id, presence] of Object.entries(initial)) this.presence.set(id, presence);
  }
  accountIds() {
    return [...this.presence.keys()];
  }
  own(id: string) {
    return this.presence.get(id);
  }
  async setOwn(id: string, presence: IdlePresence, meta: IdleChangeMeta) {
    this.calls.push({ id, presence, meta });
    this.presence.set(id, { ...presence });
  }
  /** What the user does from the UI: the messenger sets it and tells the controller. */
  userSets(controller: IdleController, id: string, presence: IdlePresence, tell = true) {
    this.presence.set(id, presence);
    if (tell) controller.userChanged(id);
  }
  snapshot() {
    return Object.fromEntries(this.presence);
  }
}

const MIN = 60_000;
const SETTINGS: Partial<IdleSettings> = { enabled: true, awayAfterMin: 5, xaAfterMin: 20, awayOnLock: true };

function setup(initial: Record<string, IdlePresence>, settings: Partial<IdleSettings> = {}) {
  const clock = new FakeClock();
  const source = new FakeSource(clock);
  const accounts = new FakeAccounts(initial);
  const controller = new IdleController({
    source,
    accounts,
    clock,
    settings: { ...SETTINGS, ...settings },
    pollSeconds: 15,
    idlePollSeconds: 3,
  });
  controller.start();
  /** Advance the clock and let the polls it triggered finish. */
  const wait = async (ms: number) => {
    clock.advance(ms);
    await controller.settled();
    await controller.settled();
  };
  return { clock, source, accounts, controller, wait };
}

const available = (status: string | null = null): IdlePresence => ({ show: 'available', status });

describe('IdleController', () => {
  it('goes away after N minutes, xa after M, and back to exactly the previous show and status', async () => {
    const { accounts, controller, source, wait } = setup({ a: { show: 'chat', status: 'Coffee?' } });
    await wait(4 * MIN + 50_000);
    expect(controller.level).toBe('active');
    expect(accounts.calls).toHaveLength(0);

    await wait(15_000); // 5:05 idle
    expect(controller.level).toBe('away');
    expect(accounts.own('a')).toEqual({ show: 'away', status: 'Coffee?' });
    // idleSince is the time of the last input, for XEP-0319.
    expect(accounts.calls[0].meta).toEqual({ auto: true, idleSince: source.lastInput });

    await wait(15 * MIN);
    expect(controller.level).toBe('xa');
    expect(accounts.own('a')).toEqual({ show: 'xa', status: 'Coffee?' });

    source.input();
    await wait(3_000); // polls faster while idle
    expect(controller.level).toBe('active');
    expect(accounts.own('a')).toEqual({ show: 'chat', status: 'Coffee?' });
    expect(accounts.calls.map((call) => call.presence.show)).toEqual(['away', 'xa', 'chat']);
    expect(accounts.calls[2].meta).toEqual({ auto: true, idleSince: null });
  });

  it('never touches a dnd, away, xa or offline the user chose', async () => {
    const { accounts, source, wait } = setup({
      dnd: { show: 'dnd', status: 'Focus' },
      away: { show: 'away', status: null },
      xa: { show: 'xa', status: 'Holiday' },
      off: { show: 'offline', status: null },
    });
    const before = accounts.snapshot();
    await wait(30 * MIN);
    source.input();
    await wait(15_000);
    expect(accounts.calls).toHaveLength(0);
    expect(accounts.snapshot()).toEqual(before);
  });

  it('handles several accounts: changes and restores only the available ones', async () => {
    const { accounts, source, wait } = setup({
      home: available('home'),
      work: { show: 'dnd', status: 'Meeting' },
      chatty: { show: 'chat', status: null },
    });
    await wait(6 * MIN);
    expect(accounts.snapshot()).toEqual({
      home: { show: 'away', status: 'home' },
      work: { show: 'dnd', status: 'Meeting' },
      chatty: { show: 'away', status: null },
    });
    source.input();
    await wait(15_000);
    expect(accounts.snapshot()).toEqual({
      home: { show: 'available', status: 'home' },
      work: { show: 'dnd', status: 'Meeting' },
      chatty: { show: 'chat', status: null },
    });
  });

  it('does not restore over a status the user set while auto-away (different show)', async () => {
    const { accounts, controller, source, wait } = setup({ a: available('hi'), b: available('yo') });
    await wait(6 * MIN);
    expect(accounts.own('a')!.show).toBe('away');
    // Seen by comparison alone (the messenger did not even tell): the user picked dnd on a.
    accounts.userSets(controller, 'a', { show: 'dnd', status: 'Busy' }, false);
    await wait(20 * MIN);
    expect(accounts.own('a')).toEqual({ show: 'dnd', status: 'Busy' }); // not moved to xa
    expect(accounts.own('b')!.show).toBe('xa');
    source.input();
    await wait(15_000);
    expect(accounts.own('a')).toEqual({ show: 'dnd', status: 'Busy' });
    expect(accounts.own('b')).toEqual(available('yo'));
  });

  it('does not restore over a change it was not told about, seen on the way back', async () => {
    const { accounts, controller, source, wait } = setup({ a: available('hi') }, { xaAfterMin: null });
    await wait(6 * MIN);
    source.input();
    accounts.userSets(controller, 'a', { show: 'away', status: 'lunch' }, false);
    await wait(15_000);
    expect(controller.level).toBe('active');
    expect(accounts.own('a')).toEqual({ show: 'away', status: 'lunch' });
    expect(accounts.calls).toHaveLength(1);
  });

  it('does not restore when the user re-picked the very same away (told through userChanged)', async () => {
    const { accounts, controller, source, wait } = setup({ a: available('hi') }, { xaAfterMin: null });
    await wait(6 * MIN);
    expect(accounts.own('a')).toEqual({ show: 'away', status: 'hi' });
    source.input();
    // Before the next poll, the user opens the picker and chooses away themselves.
    accounts.userSets(controller, 'a', { show: 'away', status: 'hi' });
    await wait(15_000);
    expect(controller.level).toBe('active');
    expect(accounts.own('a')).toEqual({ show: 'away', status: 'hi' });
    expect(accounts.calls).toHaveLength(1);
  });

  it('does not restore an account the user changed and then left idle again', async () => {
    const { accounts, controller, source, wait } = setup({ a: available() });
    await wait(6 * MIN);
    source.input();
    accounts.userSets(controller, 'a', { show: 'chat', status: 'back' });
    await wait(15_000);
    expect(accounts.own('a')).toEqual({ show: 'chat', status: 'back' });
    // A new idle period starts from the user's choice.
    await wait(6 * MIN);
    expect(accounts.own('a')).toEqual({ show: 'away', status: 'back' });
    source.input();
    await wait(15_000);
    expect(accounts.own('a')).toEqual({ show: 'chat', status: 'back' });
  });

  it('goes away at once when the screen locks, and back on unlock', async () => {
    const { accounts, controller, source, wait } = setup({ a: available() });
    source.locked = true;
    source.emit();
    await controller.settled();
    expect(accounts.own('a')!.show).toBe('away');
    // Still locked: xa follows from the idle time.
    await wait(20 * MIN);
    expect(accounts.own('a')!.show).toBe('xa');
    source.locked = false;
    source.input();
    source.emit();
    await controller.settled();
    expect(accounts.own('a')).toEqual(available());
  });

  it('ignores the lock when awayOnLock is off', async () => {
    const { accounts, source, wait } = setup({ a: available() }, { awayOnLock: false });
    source.locked = true;
    await wait(1 * MIN);
    expect(accounts.own('a')!.show).toBe('available');
  });

  it('uses the idle status text when configured, and restores the own text', async () => {
    const { accounts, source, wait } = setup({ a: available('working') }, { idleStatus: 'Idle' });
    await wait(6 * MIN);
    expect(accounts.own('a')).toEqual({ show: 'away', status: 'Idle' });
    source.input();
    await wait(15_000);
    expect(accounts.own('a')).toEqual(available('working'));
  });

  it('does nothing while disabled, and restores at once when disabled during idle', async () => {
    const off = setup({ a: available() }, { enabled: false });
    await off.wait(30 * MIN);
    expect(off.accounts.calls).toHaveLength(0);
    expect(off.clock.timers.size).toBe(0);

    const { accounts, controller, wait } = setup({ a: available() });
    await wait(6 * MIN);
    expect(accounts.own('a')!.show).toBe('away');
    await controller.configure({ enabled: false });
    expect(accounts.own('a')).toEqual(available());
    expect(controller.level).toBe('active');
  });

  it('follows changed minutes', async () => {
    const { accounts, controller, wait } = setup({ a: available() });
    await controller.configure({ awayAfterMin: 1, xaAfterMin: 2 });
    await wait(75_000);
    expect(accounts.own('a')!.show).toBe('away');
    await wait(60_000);
    expect(accounts.own('a')!.show).toBe('xa');
  });

  it('keeps working when setting the presence fails', async () => {
    const { accounts, controller, source, wait } = setup({ a: available(), b: available() });
    const setOwn = accounts.setOwn.bind(accounts);
    accounts.setOwn = async (id, presence, meta) => {
      if (id === 'a') throw new Error('not connected');
      return setOwn(id, presence, meta);
    };
    await wait(6 * MIN);
    expect(accounts.own('a')!.show).toBe('available');
    expect(accounts.own('b')!.show).toBe('away');
    expect(controller.autoAccounts).toEqual(['b']);
    source.input();
    await wait(15_000);
    expect(accounts.own('b')!.show).toBe('available');
  });

  it('stops polling on stop()', async () => {
    const { accounts, controller, clock, wait } = setup({ a: available() });
    controller.stop();
    expect(clock.timers.size).toBe(0);
    await wait(30 * MIN);
    expect(accounts.calls).toHaveLength(0);
  });
});
