/**
 * The warm-up of the roster walk (roster-warm-up.ts): it walks synthetic items of the real shapes
 * through the real walk, changes nothing anyone else reads (a real roster read while it runs comes out
 * the same), stops when told, runs once per process, and the login watch starts it only when a full
 * roster is expected, once the stream is encrypted, and stops it at the first bytes after the roster
 * request or at a disconnect.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import xml, { type Element } from '@xmpp/xml';
import {
  RosterWalkWarmUp,
  RosterWarmUpDuringLogin,
  syntheticItem,
  takeRosterWarmUp,
} from '../../../../../src/main/core/accounts/roster-warm-up';
import { StreamGuard } from '../../../../../src/main/core/accounts/stream/stream-guard';
import { presenceStreamParser } from '../../../../../src/main/core/accounts/stream/presence-stream-parser';
import type { CheckedRosterItems } from '../../../../../src/main/core/accounts/stream/checked-roster-item';
import { StreamHookRegistry } from '../../../../../src/main/core/accounts/stream/hooks';
import { StreamedRosterItems, newReport, readRosterQuery } from '../../../../../src/main/core/features/roster/items';
import { realisticContacts, rosterXml } from '../../../../../bench/realistic-data.mjs';

const HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s' version='1.0'>";
const NS_ROSTER = 'jabber:iq:roster';
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A roster result read as the client reads it (guard's one pass, lean parser, hooks, the roster's reading), `between` awaited between chunks. */
async function readRoster(items: string, between: () => Promise<void>): Promise<unknown[]> {
  const bytes = Buffer.from(
    `${HEADER}<iq type='result' id='r'><query xmlns='${NS_ROSTER}' ver='v1'>${items}</query></iq>`,
  );
  const registry = new StreamHookRegistry();
  const streamed = new StreamedRosterItems();
  registry.onRosterItem((item, query) => streamed.add(item, query, 'account'));
  const Parser = presenceStreamParser(xml.Parser as never, () => false, undefined, registry);
  const parser = new Parser() as InstanceType<typeof Parser> & { checkedItems: CheckedRosterItems };
  let query: Element | undefined;
  parser.on('element', (element: Element) => (query = element.getChild('query', NS_ROSTER)));
  const guard = new StreamGuard();
  guard.items = parser.checkedItems;
  for (let at = 0; at < bytes.length; at += 16384) {
    parser.write(guard.read(bytes.subarray(at, at + 16384)));
    await between();
  }
  expect(guard.violation).toBeNull();
  return [...readRosterQuery('account', query!, newReport(), streamed).values()];
}

describe('the roster walk warm-up', () => {
  it('walks its items through the guard one pass and the roster reading, and ends by itself', async () => {
    const warmUp = new RosterWalkWarmUp(400);
    warmUp.start();
    await warmUp.done;
    expect(warmUp.running).toBe(false);
    // Every item the guard's one pass read (only those cut by a chunk's end are left out): the
    // synthetic shapes are ones the real walk reads, not ones it hands to the general states.
    expect(warmUp.walked).toBeGreaterThan(380);
    expect(warmUp.walked).toBeLessThanOrEqual(400);
  });

  it('writes items of every shape the walk meets', () => {
    const items = Array.from({ length: 100 }, (_, i) => syntheticItem(i));
    expect(items.some((item) => !item.includes(' name='))).toBe(true);
    expect(items.some((item) => /name='[^']*&(amp|quot|apos|lt);/.test(item))).toBe(true);
    expect(items.some((item) => /<group>[^<]*&(amp|lt|gt|quot|apos);/.test(item))).toBe(true);
    expect(items.some((item) => /jid='[^'@]*[\u0080-\uffff][^']*@/.test(item))).toBe(true);
    expect(items.some((item) => /name='[^']*[\u0080-\uffff]/.test(item))).toBe(true);
    expect(items.some((item) => item.split('<group>').length === 4)).toBe(true);
    expect(items.some((item) => item.includes(" ask='subscribe'"))).toBe(true);
  });

  it('changes nothing a real roster read sees, even running between its chunks', async () => {
    const items = rosterXml(realisticContacts(1500));
    const alone = await readRoster(items, async () => {});
    const warmUp = new RosterWalkWarmUp(2000, 1);
    warmUp.start();
    const interleaved = await readRoster(items, tick);
    expect(warmUp.walked).toBeGreaterThan(0);
    await warmUp.done;
    expect(interleaved).toEqual(alone);
    expect(interleaved).toHaveLength(1500);
  });

  it('stops when told: no slice runs after the one under way', async () => {
    const warmUp = new RosterWalkWarmUp(100_000, 1);
    warmUp.start();
    await tick();
    await tick();
    warmUp.stop();
    const walked = warmUp.walked;
    await warmUp.done;
    for (let i = 0; i < 5; i++) await tick();
    expect(warmUp.running).toBe(false);
    expect(warmUp.walked).toBe(walked);
    expect(walked).toBeLessThan(100_000);
  });

  it('stopped before it started, it never walks', async () => {
    const warmUp = new RosterWalkWarmUp(100);
    warmUp.stop();
    warmUp.start();
    await warmUp.done;
    await tick();
    expect(warmUp.walked).toBe(0);
  });

  it('runs once per process', () => {
    const first = takeRosterWarmUp();
    expect(first).toBeInstanceOf(RosterWalkWarmUp);
    first!.stop();
    expect(takeRosterWarmUp()).toBeNull();
  });
});

/** The client as the login watch sees it: its status events and its socket (encrypted once TLS is up). */
function fakeClient(encrypted = true): EventEmitter & { socket: EventEmitter & { encrypted: boolean } } {
  return Object.assign(new EventEmitter(), { socket: Object.assign(new EventEmitter(), { encrypted }) });
}

describe('the warm-up during a login', () => {
  it('starts at the first stream over TLS when the full roster is expected, and ends at the first bytes after the roster request', async () => {
    const client = fakeClient(false);
    const warmUp = new RosterWalkWarmUp(100_000, 1);
    const login = new RosterWarmUpDuringLogin(
      client,
      () => true,
      () => warmUp,
    );
    client.emit('open');
    expect(warmUp.running).toBe(false);
    client.socket.encrypted = true;
    client.emit('open');
    expect(warmUp.running).toBe(true);
    await tick();
    login.rosterRequested();
    await tick();
    expect(warmUp.running).toBe(true);
    client.socket.emit('data', Buffer.from('<iq'));
    await warmUp.done;
    expect(warmUp.walked).toBeLessThan(100_000);
  });

  it('does not start when a cached version will be asked for', () => {
    const client = fakeClient();
    let taken = 0;
    new RosterWarmUpDuringLogin(
      client,
      () => false,
      () => (taken++, null),
    );
    client.emit('open');
    expect(taken).toBe(0);
  });

  it('ends when the connection goes away, and does not start again on the next attempt', async () => {
    const client = fakeClient();
    let taken = 0;
    const warmUp = new RosterWalkWarmUp(100_000, 1);
    new RosterWarmUpDuringLogin(
      client,
      () => true,
      () => (taken++, warmUp),
    );
    client.emit('open');
    await tick();
    client.emit('disconnect');
    await warmUp.done;
    client.emit('open');
    expect(taken).toBe(1);
    expect(warmUp.running).toBe(false);
  });
});
