/**
 * OMEMO 0.3 interop through a real Prosody (PEP with open access model by publish-options) with an
 * independent implementation: Debian's python3-omemo + python3-oldmemo on slixmpp
 * (tests/support/omemo_peer.py). Both directions; a second peer device joining mid-conversation is
 * learned from the PEP event and both of its directions work; our own second device reads what we
 * sent from a real carbon, and a message read from our archive (XEP-0313) instead of live. The core
 * API only (EncryptionService), no UI. A second peer, Debian's profanity (libsignal-protocol-c), in
 * tmux: both directions.
 */
import { spawnSync } from 'node:child_process';
import { KeyHelper } from '@privacyresearch/libsignal-protocol-typescript';
import xml, { type Element } from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityVault } from '../../src/main/core/encryption/identity-vault';
import { ENCRYPTION_FEATURES, EncryptionService } from '../../src/main/core/encryption/service';
import type { DecryptResult } from '../../src/main/core/encryption/types';
import {
  BASE_FEATURES,
  discoInfoResponder,
  JABBERWOCK_CAPS_NODE,
  ownCapsElement,
  ownDiscoInfo,
} from '../../src/main/core/features/caps/own';
import { createLogger, type Logger } from '../../src/main/core/log';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { rawPublic } from '../../src/main/core/encryption/omemo/signal-store';
import { bundleElement } from '../../src/main/core/encryption/omemo/stanzas';
import { OmemoRepository } from '../../src/main/core/store/omemo-repo';
import { memoryDbWithAccount } from '../support/db';
import { pythonOmemoAvailable, startPythonOmemoPeer, type PythonOmemoPeer } from '../support/omemo-peer';
import { startPeer, type Peer } from '../support/peer';
import { profanityAvailable, startProfanity, type Profanity } from '../support/profanity';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { eventually, waitUntil } from '../support/wait';
import { NS_DISCO_INFO } from '../../src/main/core/xmpp/ns';

const JW = { user: 'jw', password: 'jw-omemo-Pa55' };
const PY = { user: 'py', password: 'py-omemo-Pa55' };
const JW_JID = 'jw@localhost';
const PY_JID = 'py@localhost';
const PROF = { user: 'prof', password: 'prof-omemo-Pa55' };
const PROF_JID = 'prof@localhost';

const logLines: string[] = [];
const log: Logger = createLogger((level, scope, message, details) => {
  if (level !== 'debug') logLines.push(`${level} ${scope}: ${message} ${JSON.stringify(details ?? '')}`.slice(0, 400));
}, 'info');

interface JabberwockDevice {
  service: EncryptionService;
  accountId: string;
  session: Peer;
  /** Every message with an encrypted element that reached this device. */
  inbox: Element[];
  /** The inner messages of carbons (XEP-0280) from our own bare JID. */
  carbons: { direction: 'sent' | 'received'; message: Element }[];
  /** The inner messages of our own archive's results (XEP-0313). */
  archived: Element[];
  stop(): Promise<void>;
}

async function startJabberwock(server: ProsodyServer, resource: string): Promise<JabberwockDevice> {
  const accountId = `account-${resource}`;
  const repo = new OmemoRepository(memoryDbWithAccount(accountId, JW_JID));
  const service = new EncryptionService({
    repo,
    vault: createIdentityVault(createMemorySecretStore()),
    log,
    accountJid: () => JW_JID,
  });
  const inbox: Element[] = [];
  const carbons: JabberwockDevice['carbons'] = [];
  const archived: Element[] = [];
  const features = [...BASE_FEATURES, ...ENCRYPTION_FEATURES];
  const session = await startPeer(server, JW, resource, log, (xmpp) => {
    service.onClient(accountId, xmpp);
    xmpp.iqCallee.get(NS_DISCO_INFO, 'query', discoInfoResponder(ownDiscoInfo(features)));
    xmpp.middleware.use((ctx, next) => {
      const stanza = ctx.stanza;
      if (stanza.name === 'presence' && stanza.attrs.type === 'subscribe')
        void xmpp.send(xml('presence', { to: stanza.attrs.from, type: 'subscribed' }));
      if (stanza.name === 'message' && service.isEncrypted(stanza)) inbox.push(stanza);
      // The envelope checks chat makes: carbons and our archive's results only from our bare JID.
      const fromUs = stanza.attrs.from === undefined || stanza.attrs.from === JW_JID;
      for (const direction of ['sent', 'received'] as const) {
        const inner = stanza.getChild(direction, 'urn:xmpp:carbons:2')?.getChild('forwarded')?.getChild('message');
        if (inner && fromUs) carbons.push({ direction, message: inner });
      }
      const result = stanza.getChild('result', 'urn:xmpp:mam:2')?.getChild('forwarded')?.getChild('message');
      if (result && fromUs) archived.push(result);
      return next();
    });
  });
  const xmpp = session.xmpp;
  service.onOnline(accountId, { xmpp, boundJid: xmpp.jid!.toString(), resumed: false });
  await session.send(xml('presence', {}, ownCapsElement(ownDiscoInfo(features), JABBERWOCK_CAPS_NODE)));
  await eventually(async () => expect((await service.status(accountId))?.published).toBe(true), 30_000);
  return { service, accountId, session, inbox, carbons, archived, stop: () => session.stop() };
}

async function decryptNext(device: JabberwockDevice, from: number): Promise<DecryptResult> {
  await waitUntil('an encrypted message for Jabberwock', () => device.inbox.length > from, 30_000);
  const stanza = device.inbox[from];
  const sender = String(stanza.attrs.from).split('/')[0];
  return device.service.decryptMessage(device.accountId, stanza, { sender, via: 'live' });
}

const available = await pythonOmemoAvailable();

describe.skipIf(!available)('OMEMO 0.3 interop with python-omemo/oldmemo over Prosody', () => {
  let server: ProsodyServer;
  let jw: JabberwockDevice;
  let py: PythonOmemoPeer;
  const extra: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    server = await startProsody({ users: [JW, PY] });
    jw = await startJabberwock(server, 'desk');
    py = await startPythonOmemoPeer(server, PY, 'bot');
    // Mutual presence subscription: PEP sends device list changes to contacts (XEP-0163 §4).
    await jw.session.send(xml('presence', { to: PY_JID, type: 'subscribe' }));
    await eventually(async () => expect((await jw.session.rosterItem(PY_JID))?.subscription).toBe('both'), 30_000);
  });

  afterAll(async () => {
    for (const item of [...extra, py, jw]) await item?.stop().catch(() => undefined);
    await server?.stop();
  });

  it('the peer reads what Jabberwock encrypts (a pre-key message, then a normal one)', async () => {
    for (const body of ['first words, encrypted by Jabberwock', 'second words ✓ ünïcode']) {
      const from = py.events.length;
      const result = await jw.service.encryptMessage(jw.accountId, PY_JID, body);
      expect(result.ok || result.reason).toBe(true);
      if (!result.ok) return;
      expect(result.devices).toContainEqual({ jid: PY_JID, deviceId: py.deviceId });
      await jw.session.send(xml('message', { to: PY_JID, type: 'chat', id: `m-${from}` }, ...result.children));
      const read = await py.next((e) => e.event === 'message' || e.event === 'undecryptable', 'peer decrypts', from);
      expect(read, logLines.slice(-5).join('\n')).toMatchObject({ event: 'message', from: JW_JID, body });
    }
  });

  it('Jabberwock reads what the peer encrypts, and knows which device sent it', async () => {
    for (const body of ['hello from python-omemo', 'and once more']) {
      const from = jw.inbox.length;
      py.send(JW_JID, body);
      const read = await decryptNext(jw, from);
      expect(read).toMatchObject({
        kind: 'decrypted',
        body,
        device: { jid: PY_JID, deviceId: py.deviceId, trust: 'blind' },
      });
    }
  });

  it('a device the peer adds mid-conversation is learned from PEP and works both ways', async () => {
    const second = await startPythonOmemoPeer(server, PY, 'phone');
    extra.push(second);
    expect(second.deviceId).not.toBe(py.deviceId);
    await eventually(async () => {
      const devices = await jw.service.devices(jw.accountId, PY_JID);
      expect(devices.filter((d) => d.active).map((d) => d.deviceId)).toContain(second.deviceId);
    }, 30_000);

    const fromOld = py.events.length;
    const fromNew = second.events.length;
    const result = await jw.service.encryptMessage(jw.accountId, PY_JID, 'to both of your devices');
    expect(result.ok && result.devices.map((d) => d.deviceId)).toEqual(
      expect.arrayContaining([py.deviceId, second.deviceId]),
    );
    if (!result.ok) return;
    await jw.session.send(xml('message', { to: PY_JID, type: 'chat', id: 'both' }, ...result.children));
    const readOld = await py.next((e) => e.event === 'message' || e.event === 'undecryptable', 'old device', fromOld);
    const readNew = await second.next((e) => e.event === 'message' || e.event === 'undecryptable', 'new', fromNew);
    expect(readOld).toMatchObject({ event: 'message', body: 'to both of your devices' });
    expect(readNew).toMatchObject({ event: 'message', body: 'to both of your devices' });

    const from = jw.inbox.length;
    second.send(JW_JID, 'hello from the new device');
    const read = await decryptNext(jw, from);
    expect(read).toMatchObject({
      kind: 'decrypted',
      body: 'hello from the new device',
      device: { deviceId: second.deviceId },
    });
  });

  it('our second Jabberwock device reads a sent carbon and a copy from our archive', async () => {
    const laptop = await startJabberwock(server, 'laptop');
    extra.push(laptop);
    await laptop.session.xmpp.iqCaller.set(xml('enable', { xmlns: 'urn:xmpp:carbons:2' }));
    const laptopDevice = (await laptop.service.status(laptop.accountId))!.deviceId;
    await eventually(async () => {
      const own = await jw.service.devices(jw.accountId, JW_JID);
      expect(own.filter((d) => d.active).map((d) => d.deviceId)).toContain(laptopDevice);
    }, 30_000);

    // What the desk sends reaches the laptop as a 'sent' carbon: our own message, readable there.
    const result = await jw.service.encryptMessage(jw.accountId, PY_JID, 'a copy for my laptop');
    expect(result.ok && result.devices).toContainEqual({ jid: JW_JID, deviceId: laptopDevice });
    if (!result.ok) return;
    await jw.session.send(xml('message', { to: PY_JID, type: 'chat', id: 'carbon-1' }, ...result.children));
    await waitUntil('the sent carbon', () => laptop.carbons.some((c) => c.direction === 'sent'), 30_000);
    const sent = laptop.carbons.find((c) => c.direction === 'sent')!.message;
    expect(
      await laptop.service.decryptMessage(laptop.accountId, sent, { sender: JW_JID, via: 'carbon' }),
    ).toMatchObject({
      kind: 'decrypted',
      body: 'a copy for my laptop',
      device: { jid: JW_JID, deviceId: (await jw.service.status(jw.accountId))!.deviceId },
    });
    // The desk's own copy, back from the archive: kept as sent, not decrypted again.
    expect(await jw.service.decryptMessage(jw.accountId, sent, { sender: JW_JID, via: 'archive' })).toMatchObject({
      kind: 'undecryptable',
      reason: 'own-device',
    });

    // The peer writes to both our devices; the laptop reads it from our archive, not live.
    py.refresh(JW_JID);
    await py.next((e) => e.event === 'devices' && (e.devices as number[]).includes(laptopDevice), 'peer sees laptop');
    const before = laptop.inbox.length;
    py.send(JW_JID, 'for both of your devices');
    await waitUntil('the message reached the laptop', () => laptop.inbox.length > before, 30_000);
    await laptop.session.xmpp.iqCaller.set(xml('query', { xmlns: 'urn:xmpp:mam:2', queryid: 'q1' }));
    const archivedCopies = laptop.archived.filter((m) => String(m.attrs.from).startsWith(PY_JID));
    const last = archivedCopies[archivedCopies.length - 1];
    expect(
      await laptop.service.decryptMessage(laptop.accountId, last, { sender: PY_JID, via: 'archive' }),
    ).toMatchObject({
      kind: 'decrypted',
      body: 'for both of your devices',
    });
    // The live copy of the same message is then a replay: chat deduplicates before decrypting.
    expect(
      await laptop.service.decryptMessage(laptop.accountId, laptop.inbox[before], { sender: PY_JID, via: 'live' }),
    ).toMatchObject({ kind: 'undecryptable', reason: 'replayed' });
  });

  it('the peer accepts our signed pre-key signatures whichever sign bit our identity key has', async () => {
    // libsignal's Curve25519 signatures carry the Ed25519 sign bit in the signature's last byte;
    // oldmemo reads it from there. Sixteen identities cover both values (all alike: 1 in 32,768).
    const bundles: string[] = [];
    const signBits = new Set<number>();
    for (let i = 0; i < 16; i++) {
      const identity = await KeyHelper.generateIdentityKeyPair();
      const signed = await KeyHelper.generateSignedPreKey(identity, i + 1);
      const preKey = await KeyHelper.generatePreKey(1);
      const signature = Buffer.from(signed.signature);
      signBits.add(signature[63] >> 7);
      const element = bundleElement({
        identityKey: rawPublic(identity.pubKey),
        signedPreKeyId: i + 1,
        signedPreKey: rawPublic(signed.keyPair.pubKey),
        signature,
        preKeys: [{ keyId: 1, publicKey: rawPublic(preKey.keyPair.pubKey) }],
      });
      bundles.push(element.toString());
    }
    const script = [
      'import sys, json, xml.etree.ElementTree as ET, oldmemo.etree, xeddsa',
      'out = []',
      'for line in sys.stdin:',
      "    b = oldmemo.etree.parse_bundle(ET.fromstring(line), 'x@localhost', 1).bundle",
      "    out.append(xeddsa.ed25519_verify(b.signed_pre_key_sig, b.identity_key, b'\\x05' + b.signed_pre_key))",
      'print(json.dumps(out))',
    ].join('\n');
    const run = spawnSync('/usr/bin/python3', ['-c', script], { input: `${bundles.join('\n')}\n`, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(bundles.map(() => true));
    expect(signBits).toEqual(new Set([0, 1]));
  });
});

describe.skipIf(!profanityAvailable())('OMEMO 0.3 interop with profanity (libsignal-protocol-c) over Prosody', () => {
  let server: ProsodyServer;
  let jw: JabberwockDevice;
  let prof: Profanity;

  beforeAll(async () => {
    server = await startProsody({ users: [JW, PROF] });
    jw = await startJabberwock(server, 'desk');
    prof = await startProfanity(server, PROF);
    // Mutual presence subscription, as between contacts (profanity publishes with the default access model).
    await jw.session.send(xml('presence', { to: PROF_JID, type: 'subscribe' }));
    await prof.type(`/sub allow ${JW_JID}`);
    await prof.type(`/sub request ${JW_JID}`);
    await eventually(async () => expect((await jw.session.rosterItem(PROF_JID))?.subscription).toBe('both'), 30_000);
  });

  afterAll(async () => {
    await prof?.stop();
    await jw?.stop();
    await server?.stop();
  });

  it('profanity reads what Jabberwock encrypts', async () => {
    for (const body of ['hello profanity, from Jabberwock', 'and a second one ✓']) {
      // Profanity publishes its device list a moment after its keys are generated.
      let result = await jw.service.encryptMessage(jw.accountId, PROF_JID, body);
      await eventually(async () => {
        result = await jw.service.encryptMessage(jw.accountId, PROF_JID, body);
        expect(result.ok || result.reason).toBe(true);
      }, 30_000);
      if (!result.ok) return;
      expect(result.devices).toContainEqual({ jid: PROF_JID, deviceId: prof.deviceId });
      await jw.session.send(xml('message', { to: PROF_JID, type: 'chat', id: `p-${body.length}` }, ...result.children));
      try {
        await waitUntil(
          'profanity stores the message',
          () => prof.received(JW_JID).some((m) => m.message === body),
          30_000,
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${await prof.screen()}\n${prof.log()}`);
      }
    }
  }, 120_000); // a bound on a terminal client driven through tmux, not a speed check

  it('Jabberwock reads what profanity encrypts', async () => {
    const from = jw.inbox.length;
    await prof.type(`/msg ${JW_JID}`);
    await prof.type(`/omemo start ${JW_JID}`);
    await prof.type('hello Jabberwock, from profanity');
    const read = await decryptNext(jw, from).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await prof.screen()}`);
    });
    expect(read, logLines.slice(-5).join('\n')).toMatchObject({
      kind: 'decrypted',
      body: 'hello Jabberwock, from profanity',
      device: { jid: PROF_JID, deviceId: prof.deviceId },
    });
  }, 120_000); // a bound on a terminal client driven through tmux, not a speed check
});
