/**
 * The OMEMO 0.3 engine between real Jabberwock devices (each its own SQLite store and secret store)
 * over an in-memory PEP: encryption to the contact and our other devices, every bad input the issue
 * lists (each answered with a reason, nothing thrown, no session changed), blind trust before
 * verification, and where the identity key is kept across restarts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xml, { type Element } from '@xmpp/xml';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  NODE_DEVICELIST,
  NS_OMEMO_03,
  bundleNode,
  deviceListElement,
  parseBundle,
} from '../../../../../../src/main/core/encryption/omemo/stanzas';
import { createPepClient, PepReplyError } from '../../../../../../src/main/core/encryption/pep';
import { FileSecretStore, createMemorySecretStore, type SecretCipher } from '../../../../../../src/main/core/secrets';
import { MemoryPep } from '../../../../../support/memory-pep';
import { copy, listsApplied, messageWith, openDevice, type TestDevice } from '../../../../../support/omemo';
import { type SessionXmpp } from '../../../../../../src/main/core/accounts/client';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

/** The key element for `rid` in a message. */
function keyFor(message: Element, rid: number): Element {
  return message
    .getChild('encrypted', NS_OMEMO_03)!
    .getChild('header')!
    .getChildren('key')
    .find((k) => k.attrs.rid === String(rid))!;
}

async function send(from: TestDevice, to: string, body: string): Promise<Element> {
  return messageWith(await from.engine.encrypt(to, body), from.jid, to);
}

describe('OMEMO 0.3 between Jabberwock devices', { timeout: 60_000 }, () => {
  it('encrypts to the contact and our other device; each reads it, the sender gets "own-device"', async () => {
    const pep = new MemoryPep();
    const alice = await openDevice(pep, ALICE);
    const alice2 = await openDevice(pep, ALICE);
    const bob = await openDevice(pep, BOB);
    await listsApplied(alice, alice2, bob);
    const sent = await alice.engine.encrypt(BOB, 'hello bob');
    expect(sent.ok && sent.devices.map((d) => d.deviceId).sort()).toEqual([alice2.deviceId, bob.deviceId].sort());
    const message = messageWith(sent, ALICE, BOB);
    expect(await bob.engine.decrypt(message, { sender: ALICE, via: 'live' })).toMatchObject({
      kind: 'decrypted',
      body: 'hello bob',
      device: { jid: ALICE, deviceId: alice.deviceId, trust: 'blind' },
      preKey: true,
    });
    expect(await alice2.engine.decrypt(copy(message), { sender: ALICE, via: 'carbon' })).toMatchObject({
      kind: 'decrypted',
      body: 'hello bob',
    });
    expect(await alice.engine.decrypt(copy(message), { sender: ALICE, via: 'archive' })).toMatchObject({
      kind: 'undecryptable',
      reason: 'own-device',
    });
    const reply = await send(bob, ALICE, 'hi alice');
    expect(await alice.engine.decrypt(reply, { sender: BOB, via: 'live' })).toMatchObject({
      body: 'hi alice',
      preKey: false, // Bob's session came from Alice's message: he answers with a normal one
    });
    const transport = await alice.engine.keyTransport(BOB);
    const carried = xml('message', { from: ALICE }, transport!.element);
    expect(await bob.engine.decrypt(carried, { sender: ALICE, via: 'live' })).toMatchObject({ kind: 'key-transport' });
  });

  it('says why when the contact has no device, or its list cannot be read', async () => {
    const pep = new MemoryPep();
    const alice = await openDevice(pep, ALICE);
    expect(await alice.engine.encrypt('nobody@example.com', 'x')).toMatchObject({ ok: false, reason: 'no-devices' });
    alice.engine.offline();
    expect(await alice.engine.encrypt('stranger@example.com', 'x')).toMatchObject({
      ok: false,
      reason: 'not-connected',
    });
  });
});

describe('bad input', { timeout: 60_000 }, () => {
  const pep = new MemoryPep();
  let alice: TestDevice;
  let bob: TestDevice;
  const live = { sender: ALICE, via: 'live' } as const;
  const session = () => bob.repo.session(bob.accountId, NS_OMEMO_03, ALICE, alice.deviceId);

  beforeAll(async () => {
    alice = await openDevice(pep, ALICE);
    bob = await openDevice(pep, BOB);
    const first = await send(alice, BOB, 'first');
    expect(await bob.engine.decrypt(first, live)).toMatchObject({ kind: 'decrypted' });
    // Bob answers, so Alice's next messages are normal (not pre-key) messages.
    expect(await alice.engine.decrypt(await send(bob, ALICE, 'ok'), { sender: BOB, via: 'live' })).toMatchObject({
      kind: 'decrypted',
    });
  }, 60_000);

  /** After bad input the session is as it was and the next genuine message still reads. */
  async function stillWorks(before: string | null): Promise<void> {
    expect(session()).toBe(before);
    expect(await bob.engine.decrypt(await send(alice, BOB, 'still fine'), live)).toMatchObject({ body: 'still fine' });
  }

  it('ignores a device list event that does not come from the bare JID of an account', async () => {
    const list = (from: string | undefined, deviceIds: number[]) =>
      xml(
        'message',
        from === undefined ? {} : { from },
        xml(
          'event',
          { xmlns: 'http://jabber.org/protocol/pubsub#event' },
          xml(
            'items',
            { node: NODE_DEVICELIST },
            xml('item', { id: 'current' }, deviceListElement(deviceIds.map((deviceId) => ({ deviceId, label: null })))),
          ),
        ),
      );
    const activeIds = (jid: string) =>
      bob.engine
        .devices(jid)
        .filter((d) => d.active)
        .map((d) => d.deviceId);
    // Other tests of this block may have added devices of Alice's: the forged lists must change none of them.
    const before = activeIds(ALICE);
    expect(before).toContain(alice.deviceId);
    for (const from of [`${ALICE}/phone`, 'example.com', undefined, 'not a jid@@']) {
      expect(bob.engine.handleEvent(list(from, [666]))).toBe(true);
    }
    // A genuine list from another account, handled after the forged ones, shows they were all handled.
    bob.engine.handleEvent(list('carol@example.com', [777]));
    await expect.poll(() => activeIds('carol@example.com')).toEqual([777]);
    expect(activeIds(ALICE)).toEqual(before);
    expect(bob.engine.devices(ALICE).map((d) => d.deviceId)).not.toContain(666);
    expect(bob.repo.devices(bob.accountId, NS_OMEMO_03, 'example.com')).toEqual([]);
    // From Alice's bare JID it is Alice's list.
    bob.engine.handleEvent(list(ALICE, [666]));
    await expect.poll(() => activeIds(ALICE)).toEqual([666]);
    // Alice's devices back as they were, for the other tests of this block.
    bob.engine.handleEvent(list(ALICE, before));
    await expect.poll(() => activeIds(ALICE)).toEqual(before);
  });

  it('takes a device list or bundle only from a reply by its owner', async () => {
    let replyFrom: string | undefined;
    const xmpp = {
      iqCaller: {
        request: async (iq: Element) =>
          xml(
            'iq',
            replyFrom === undefined
              ? { type: 'result', id: iq.attrs.id }
              : { type: 'result', id: iq.attrs.id, from: replyFrom },
            xml(
              'pubsub',
              { xmlns: 'http://jabber.org/protocol/pubsub' },
              xml('items', { node: bundleNode(1) }, xml('item', { id: 'current' })),
            ),
          ),
      },
    } as unknown as SessionXmpp;
    const client = createPepClient(xmpp, BOB);
    replyFrom = 'mallory@evil.example';
    await expect(client.items(ALICE, bundleNode(1))).rejects.toBeInstanceOf(PepReplyError);
    replyFrom = `${ALICE}/phone`;
    await expect(client.items(ALICE, bundleNode(1))).rejects.toBeInstanceOf(PepReplyError);
    replyFrom = undefined;
    await expect(client.items(ALICE, bundleNode(1))).rejects.toBeInstanceOf(PepReplyError);
    replyFrom = ALICE;
    await expect(client.items(ALICE, bundleNode(1))).resolves.toHaveLength(1);
    // Our own nodes are answered by our server on our behalf: no from, or our bare JID.
    replyFrom = undefined;
    await expect(client.items(BOB, bundleNode(1))).resolves.toHaveLength(1);
  });

  it('reports malformed key material, and a garbled pre-key message, without touching the session', async () => {
    const before = session();
    const message = await send(alice, BOB, 'garbled');
    const key = keyFor(message, bob.deviceId);
    key.children = [Buffer.from('not a signal message at all').toString('base64')];
    expect(await bob.engine.decrypt(message, live)).toMatchObject({
      kind: 'undecryptable',
      reason: 'bad-key-material',
    });
    key.attrs.prekey = 'true';
    expect(await bob.engine.decrypt(message, live)).toMatchObject({ kind: 'undecryptable', reason: 'malformed' });
    const broken = await send(alice, BOB, 'broken element');
    broken.getChild('encrypted', NS_OMEMO_03)!.getChild('payload')!.children = ['%%%'];
    expect(await bob.engine.decrypt(broken, live)).toMatchObject({ kind: 'undecryptable', reason: 'malformed' });
    // The message we just spoiled used a key of the chain; the next one still decrypts.
    await stillWorks(session());
    expect(before).not.toBeNull();
  });

  it('refuses a replayed message and a replayed pre-key message', async () => {
    const normal = await send(alice, BOB, 'once');
    expect(await bob.engine.decrypt(copy(normal), live)).toMatchObject({ body: 'once' });
    const before = session();
    expect(await bob.engine.decrypt(copy(normal), live)).toMatchObject({ kind: 'undecryptable', reason: 'replayed' });
    await stillWorks(before);

    // A pre-key message from a new device of Alice's, replayed after it was read.
    const carol = await openDevice(pep, ALICE);
    await listsApplied(alice, bob, carol);
    const preKeyMessage = await send(carol, BOB, 'from a new device');
    expect(keyFor(preKeyMessage, bob.deviceId).attrs.prekey).toBe('true');
    expect(await bob.engine.decrypt(copy(preKeyMessage), live)).toMatchObject({ body: 'from a new device' });
    const carolSession = bob.repo.session(bob.accountId, NS_OMEMO_03, ALICE, carol.deviceId);
    expect(await bob.engine.decrypt(copy(preKeyMessage), live)).toMatchObject({
      kind: 'undecryptable',
      reason: 'replayed',
    });
    expect(bob.repo.session(bob.accountId, NS_OMEMO_03, ALICE, carol.deviceId)).toBe(carolSession);
  });

  it('refuses a pre-key message whose one-time pre-key was used, even without the session it made', async () => {
    const dave = await openDevice(pep, ALICE);
    await listsApplied(bob, dave);
    // Bob publishes his bundle again once he used a pre-key (earlier messages did): until then Dave
    // could pick a used one and be refused for that, not for what this test replays.
    const held = () => new Set(bob.repo.preKeys(bob.accountId, NS_OMEMO_03).map((k) => k.keyId));
    await expect
      .poll(() => {
        const bundle = parseBundle(pep.item(BOB, bundleNode(bob.deviceId))?.getChild('bundle', NS_OMEMO_03));
        return 'preKeys' in bundle && bundle.preKeys.every((k) => held().has(k.keyId));
      })
      .toBe(true);
    const preKeyMessage = await send(dave, BOB, 'pre-key');
    expect(await bob.engine.decrypt(copy(preKeyMessage), live)).toMatchObject({ body: 'pre-key' });
    bob.repo.deleteSession(bob.accountId, NS_OMEMO_03, ALICE, dave.deviceId);
    expect(await bob.engine.decrypt(copy(preKeyMessage), live)).toMatchObject({
      kind: 'undecryptable',
      reason: 'replayed',
    });
    expect(bob.repo.session(bob.accountId, NS_OMEMO_03, ALICE, dave.deviceId)).toBeNull();
  });

  it('says "not for this device" when the message has no key for us', async () => {
    const message = await send(alice, BOB, 'not for you');
    const header = message.getChild('encrypted', NS_OMEMO_03)!.getChild('header')!;
    header.children = header.children.filter((c) => typeof c === 'string' || c.attrs.rid !== String(bob.deviceId));
    expect(await bob.engine.decrypt(message, live)).toMatchObject({
      kind: 'undecryptable',
      reason: 'not-for-this-device',
      device: { jid: ALICE, deviceId: alice.deviceId },
    });
  });

  it('says "bad tag" when the body was changed on the way, and the session goes on', async () => {
    const message = await send(alice, BOB, 'tampered');
    const payload = message.getChild('encrypted', NS_OMEMO_03)!.getChild('payload')!;
    const bytes = Buffer.from(payload.text(), 'base64');
    bytes[0] ^= 0x01;
    payload.children = [bytes.toString('base64')];
    expect(await bob.engine.decrypt(message, live)).toMatchObject({ kind: 'undecryptable', reason: 'bad-tag' });
    await stillWorks(session());
  });

  it('says "no session" for a follow-up message from a device we never talked to', async () => {
    const message = await send(alice, BOB, 'follow-up');
    const encrypted = message.getChild('encrypted', NS_OMEMO_03)!;
    encrypted.getChild('header')!.attrs.sid = '4242';
    expect(await bob.engine.decrypt(message, live)).toMatchObject({ kind: 'undecryptable', reason: 'no-session' });
    // Mallory cannot use Alice's device id: the session is per sender JID.
    const forged = await send(alice, BOB, 'forged');
    expect(await bob.engine.decrypt(forged, { sender: 'mallory@evil.example', via: 'live' })).toMatchObject({
      kind: 'undecryptable',
      reason: 'no-session',
    });
  });

  it('never throws, whatever the element holds', async () => {
    const odd = [
      xml('message', {}, xml('encrypted', { xmlns: NS_OMEMO_03 }, 'text')),
      xml(
        'message',
        {},
        xml(
          'encrypted',
          { xmlns: NS_OMEMO_03 },
          xml(
            'header',
            { sid: '1' },
            xml('key', { rid: String(bob.deviceId) }, 'AAAA'),
            xml('iv', {}, 'AAAAAAAAAAAAAAAA'),
          ),
        ),
      ),
      xml(
        'message',
        {},
        xml(
          'encrypted',
          { xmlns: NS_OMEMO_03 },
          xml(
            'header',
            { sid: '1' },
            xml(
              'key',
              { rid: String(bob.deviceId), prekey: 'true' },
              Buffer.from([0x33, 0x0a, 0x21, 5]).toString('base64'),
            ),
            xml('iv', {}, 'AAAAAAAAAAAAAAAA'),
          ),
        ),
      ),
    ];
    for (const message of odd) {
      const result = await bob.engine.decrypt(message, live);
      expect(result.kind).toBe('undecryptable');
    }
    expect(await bob.engine.decrypt(xml('message', {}, xml('body', {}, 'plain')), live)).toEqual({ kind: 'plain' });
  });
});

describe('trust', { timeout: 60_000 }, () => {
  it('trusts blindly until a key is verified; then a new device waits for a decision', async () => {
    const pep = new MemoryPep();
    const alice = await openDevice(pep, ALICE);
    const bob = await openDevice(pep, BOB);
    await listsApplied(alice, bob);
    const first = await alice.engine.encrypt(BOB, 'blind');
    expect(first.ok && first.devices).toEqual([{ jid: BOB, deviceId: bob.deviceId }]);
    const bobKey = bob.engine.status().fingerprint;
    expect(alice.engine.devices(BOB)[0]).toMatchObject({ fingerprint: bobKey, trust: 'blind' });

    // Verified by Conversations' QR URI.
    expect(alice.engine.verify(BOB, [{ deviceId: bob.deviceId, identityKey: Buffer.from(bobKey, 'hex') }])).toEqual([
      { deviceId: bob.deviceId, result: 'verified' },
    ]);
    const wrong = Buffer.alloc(32, 9);
    expect(alice.engine.verify(BOB, [{ deviceId: bob.deviceId, identityKey: wrong }])).toEqual([
      { deviceId: bob.deviceId, result: 'mismatch' },
    ]);
    expect(alice.engine.devices(BOB)[0].trust).toBe('verified');

    const bob2 = await openDevice(pep, BOB);
    await listsApplied(alice, bob, bob2);
    // With a verified key on Bob's side, the new device's key is fetched as its list arrives.
    await expect
      .poll(() => alice.engine.devices(BOB).find((d) => d.deviceId === bob2.deviceId)?.trust)
      .toBe('undecided');
    const second = await alice.engine.encrypt(BOB, 'after verification');
    expect(second.ok && second.devices).toEqual([{ jid: BOB, deviceId: bob.deviceId }]);
    expect(second.ok && second.skipped).toEqual([
      { device: { jid: BOB, deviceId: bob2.deviceId }, reason: 'undecided' },
    ]);
    // A message from the undecided device still reads, marked as such.
    const fromBob2 = await send(bob2, ALICE, 'from the new phone');
    expect(await alice.engine.decrypt(fromBob2, { sender: BOB, via: 'live' })).toMatchObject({
      kind: 'decrypted',
      device: { deviceId: bob2.deviceId, trust: 'undecided' },
    });

    alice.engine.decideTrust(BOB, Buffer.from(bob2.engine.status().fingerprint, 'hex'), 'verified');
    alice.engine.decideTrust(BOB, Buffer.from(bobKey, 'hex'), 'untrusted');
    const third = await alice.engine.encrypt(BOB, 'decided');
    expect(third.ok && third.devices).toEqual([{ jid: BOB, deviceId: bob2.deviceId }]);
    expect(third.ok && third.skipped).toEqual([{ device: { jid: BOB, deviceId: bob.deviceId }, reason: 'untrusted' }]);
    alice.engine.decideTrust(BOB, Buffer.from(bob2.engine.status().fingerprint, 'hex'), 'untrusted');
    expect(await alice.engine.encrypt(BOB, 'nobody left')).toMatchObject({ ok: false, reason: 'no-usable-devices' });
  });
});

describe('keys and storage', { timeout: 60_000 }, () => {
  it('keeps the private identity key out of SQLite, in the secret store', async () => {
    const pep = new MemoryPep();
    const alice = await openDevice(pep, ALICE);
    const privateKey = Buffer.from(alice.secrets.get(`omemo-identity:${alice.accountId}`)!, 'base64');
    expect(privateKey).toHaveLength(32);
    expect(alice.db.serialize().includes(privateKey)).toBe(false);
    expect(alice.db.serialize().includes(Buffer.from(alice.engine.status().fingerprint, 'hex'))).toBe(true);
  });

  it('after a restart without the key (kept for one run only) says so, and never makes a new identity by itself', async () => {
    const pep = new MemoryPep();
    const alice = await openDevice(pep, ALICE);
    const bob = await openDevice(pep, BOB);
    await listsApplied(alice, bob);
    const message = await send(bob, ALICE, 'while you were away');
    expect(alice.engine.status().keeping).toBe('session');
    const published = pep.published.length;

    alice.engine.offline(); // the old run is over
    const restarted = await alice.restart(createMemorySecretStore());
    expect(restarted.engine.status()).toMatchObject({ state: 'identity-unavailable', deviceId: alice.deviceId });
    expect(restarted.engine.status().fingerprint).toBe(alice.engine.status().fingerprint);
    expect(pep.published.length).toBe(published);
    expect(await restarted.engine.encrypt(BOB, 'x')).toMatchObject({ ok: false, reason: 'identity-unavailable' });
    expect(await restarted.engine.decrypt(message, { sender: BOB, via: 'archive' })).toMatchObject({
      kind: 'undecryptable',
      reason: 'identity-unavailable',
    });

    // The user's decision: a new identity and device; the old device leaves our list.
    await restarted.engine.resetIdentity();
    const fresh = restarted.engine.status();
    expect(fresh.state).toBe('ready');
    expect(fresh.deviceId).not.toBe(alice.deviceId);
    const list = pep
      .item(ALICE, NODE_DEVICELIST)!
      .getChild('list')!
      .getChildren('device')
      .map((d) => Number(d.attrs.id));
    expect(list).toEqual([fresh.deviceId]);
    expect(pep.item(ALICE, bundleNode(alice.deviceId))).toBeUndefined();
    const again = await bob.engine.encrypt(ALICE, 'to your new device');
    expect(again.ok && again.devices).toEqual([{ jid: ALICE, deviceId: fresh.deviceId }]);
  });

  it('keeps the identity across restarts when a keychain encrypts it, or the user chose a plain file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-omemo-'));
    const cipher: SecretCipher = {
      description: 'a test keychain',
      encrypt: (plain) => Buffer.from([...Buffer.from(plain, 'utf8')].map((b) => b ^ 0x5a)),
      decrypt: (data) => Buffer.from([...data].map((b) => b ^ 0x5a)).toString('utf8'),
    };
    const pep = new MemoryPep();
    const file = path.join(dir, 'secrets.json');
    const alice = await openDevice(pep, ALICE, { secrets: new FileSecretStore(file, cipher) });
    expect(alice.engine.status().keeping).toBe('keychain');
    const privateKey = new FileSecretStore(file, cipher).get(`omemo-identity:${alice.accountId}`)!;
    expect(fs.readFileSync(file, 'utf8')).not.toContain(privateKey);
    const restarted = await alice.restart(new FileSecretStore(file, cipher));
    expect(restarted.engine.status()).toMatchObject({ state: 'ready', deviceId: alice.deviceId });

    const plainFile = path.join(dir, 'plain.json');
    const secrets = new FileSecretStore(plainFile, null);
    const accountId = 'plain-account';
    secrets.set(accountId, 'the password', true); // the user opted in to a plain file
    const bob = await openDevice(pep, BOB, { secrets, accountId });
    expect(bob.engine.status().keeping).toBe('plain-file');
    const bobAgain = await bob.restart(new FileSecretStore(plainFile, null));
    expect(bobAgain.engine.status()).toMatchObject({ state: 'ready', deviceId: bob.deviceId });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rotates the signed pre-key after a week, and drops the replaced one four weeks later', async () => {
    const pep = new MemoryPep();
    const alice = await openDevice(pep, ALICE);
    const bob = await openDevice(pep, BOB);
    await listsApplied(alice, bob);
    const signedIds = () => bob.repo.signedPreKeys(bob.accountId, NS_OMEMO_03).map((k) => k.keyId);
    const published = () => {
      const parsed = parseBundle(pep.item(BOB, bundleNode(bob.deviceId))!.getChild('bundle', NS_OMEMO_03));
      if ('error' in parsed) throw new Error(parsed.error);
      return parsed.signedPreKeyId;
    };
    const [first] = signedIds();
    expect(published()).toBe(first);
    // Written on the old bundle, read only after the rotation.
    const early = await send(alice, BOB, 'written before the rotation');
    const day = 24 * 3600_000;
    bob.db.prepare('UPDATE omemo_signed_prekeys SET created_at = created_at - ?').run(8 * day);
    await bob.engine.online(pep.clientFor(BOB));
    const second = published();
    expect(second).not.toBe(first);
    expect(signedIds()).toEqual([second, first]);
    expect(await bob.engine.decrypt(early, { sender: ALICE, via: 'live' })).toMatchObject({
      body: 'written before the rotation',
    });
    bob.db.prepare('UPDATE omemo_signed_prekeys SET created_at = created_at - ? WHERE key_id = ?').run(30 * day, first);
    await bob.engine.online(pep.clientFor(BOB));
    expect(signedIds()).toEqual([second]);
  });

  it('replaces a used one-time pre-key and publishes 100 again', async () => {
    const pep = new MemoryPep();
    const alice = await openDevice(pep, ALICE);
    const bob = await openDevice(pep, BOB);
    await listsApplied(alice, bob);
    const bundleIds = () => {
      const parsed = parseBundle(pep.item(BOB, bundleNode(bob.deviceId))!.getChild('bundle', NS_OMEMO_03));
      if ('error' in parsed) throw new Error(parsed.error);
      return parsed.preKeys.map((k) => k.keyId);
    };
    const before = bundleIds();
    expect(before).toHaveLength(100);
    await bob.engine.decrypt(await send(alice, BOB, 'uses a pre-key'), { sender: ALICE, via: 'live' });
    // The new key is made on its own time (Node's crypto), then the bundle published again.
    await expect.poll(() => before.filter((id) => !bundleIds().includes(id))).toHaveLength(1);
    const after = bundleIds();
    expect(after).toHaveLength(100);
    const used = before.filter((id) => !after.includes(id));
    expect(used).toHaveLength(1);
    expect(bob.repo.preKey(bob.accountId, NS_OMEMO_03, used[0])).toBeNull();
  });
});
