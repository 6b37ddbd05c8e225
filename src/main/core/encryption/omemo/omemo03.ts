/**
 * OMEMO 0.3 (eu.siacs.conversations.axolotl) for one account: our device in the device list, our
 * bundle, sessions built from other devices' bundles, and messages encrypted to every usable device
 * of the contact and every other device of ours, or decrypted from any of them.
 *
 * Rules it keeps:
 * - Device lists are taken only from their owner: a PEP event from the bare JID that owns the node,
 *   a fetch answered by the JID we asked (PepClient checks it).
 * - Nothing that arrives can throw out of decrypt or change a session unless it authenticates: the
 *   ratchet library stores a session only after the message's MAC verified; pre-key messages whose
 *   one-time pre-key is used up are refused before the library sees them.
 * - Messages go only to devices whose key is verified or blindly trusted (see trust.ts).
 */
import xml, { type Element } from '@xmpp/xml';
import { SessionRecord } from '@privacyresearch/libsignal-protocol-typescript/lib/session-record';
import type { Logger } from '../../log';
import type { DeviceRow, OmemoRepository } from '../../store/omemo-repo';
import type { IdentityVault } from '../identity-vault';
import type { PepClient } from '../pep';
import { fingerprintOf, isUsable, TrustBook } from '../trust';
import type {
  DecryptResult,
  DeviceRef,
  DeviceView,
  EncryptionProtocol,
  EncryptionStatus,
  EncryptResult,
  IncomingContext,
  SkipReason,
  UndecryptableReason,
  VerifyOutcome,
} from '../types';
import { createIdentity, loadIdentity, ownBundle, topUpKeys, type IdentityLoad } from './keys';
import { openPayload, sealPayload, keyTransportMaterial } from './payload';
import { signalLibrary } from './native-curve';
import { TaskQueues } from './task-queues';
import { openKey, type RatchetContext } from './open-key';
import { serializedPublic, SignalStore, toArrayBuffer } from './signal-store';
import {
  bundleElement,
  bundleNode,
  deviceListElement,
  encryptedElement,
  findEncrypted,
  NODE_DEVICELIST,
  NS_OMEMO_03,
  parseBundle,
  parseDeviceList,
  parseEncrypted,
  type EncryptedKey,
  type ListedDevice,
} from './stanzas';
import { NS_EME, NS_HINTS, NS_PUBSUB_EVENT } from '../../xmpp/ns';
import { normalizeBareJid } from '../../../../shared/jid';

/** What clients without OMEMO show instead (Conversations sends the same sense). */
export const FALLBACK_BODY =
  'This message is encrypted with OMEMO (XEP-0384), which your client does not seem to support.';
/** Items published with this access model, as XEP-0384 requires, so contacts can read them. */
const OPEN = { access_model: 'open' };

export interface Omemo03Options {
  repo: OmemoRepository;
  vault: IdentityVault;
  accountId: string;
  /** The account's normalized bare JID. */
  ownJid: string;
  log: Logger;
  /** A JID's devices changed: its list, a device's identity key, or a trust decision. */
  onChanged?(jid: string): void;
}

type Skipped = { device: DeviceRef; reason: SkipReason }[];

export class Omemo03 implements EncryptionProtocol {
  readonly namespace = NS_OMEMO_03;
  private readonly repo: OmemoRepository;
  private readonly accountId: string;
  private readonly ownJid: string;
  private readonly log: Logger;
  private readonly trust: TrustBook;
  private readonly store: SignalStore;
  private readonly ratchet: RatchetContext;
  /** Sessions and device lists of one JID change one task after another. */
  private readonly queues = new TaskQueues();
  /** Device lists read (or pushed to us) in this session. */
  private readonly freshLists = new Set<string>();
  private pep: PepClient | null = null;
  private published = false;
  private publishing: Promise<void> | null = null;
  private publishAgain = false;
  /** This session's first publication of our keys and device (messages wait for it, see encryptKeys). */
  private started: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: Omemo03Options,
    private identityLoad: IdentityLoad,
  ) {
    this.repo = options.repo;
    this.accountId = options.accountId;
    this.ownJid = options.ownJid;
    this.log = options.log;
    this.trust = new TrustBook(this.repo, this.accountId);
    this.store = new SignalStore(
      this.repo,
      this.accountId,
      NS_OMEMO_03,
      () => (this.identityLoad.state === 'ready' ? this.identityLoad.identity : null),
      () => this.schedulePublish(),
    );
    this.ratchet = { repo: this.repo, accountId: this.accountId, store: this.store, log: this.log };
  }

  /** Loads the account's identity, or creates it when the account never had one. */
  static async open(options: Omemo03Options): Promise<Omemo03> {
    return new Omemo03(options, await loadIdentity(options.repo, options.vault, options.accountId));
  }

  status(): EncryptionStatus {
    const load = this.identityLoad;
    const deviceId = load.state === 'ready' ? load.identity.deviceId : load.deviceId;
    const publicKey = load.state === 'ready' ? load.identity.pair.publicKey : load.publicKey;
    return {
      state: load.state,
      deviceId,
      fingerprint: fingerprintOf(publicKey),
      keeping: this.options.vault.keeping(this.accountId),
      published: this.published,
    };
  }

  owns(message: Element): boolean {
    return findEncrypted(message) !== undefined;
  }

  // ---------- session lifecycle ----------

  /** A new session (not a resumed stream): publish our keys and device, read lists afresh. */
  async online(pep: PepClient): Promise<void> {
    this.pep = pep;
    this.published = false;
    this.freshLists.clear();
    if (this.identityLoad.state !== 'ready') {
      this.log.warn('OMEMO identity key not available in this run; nothing published', { accountId: this.accountId });
      return;
    }
    this.started = this.publishOwn();
    await this.started;
  }

  /** A resumed stream: the same session goes on, nothing to publish again. */
  resume(pep: PepClient): void {
    this.pep = pep;
  }

  offline(): void {
    this.pep = null;
  }

  /** A PEP event: returns true when it was a device list event (applied, or ignored as forged). */
  handleEvent(stanza: Element): boolean {
    const items = stanza.getChild('event', NS_PUBSUB_EVENT)?.getChild('items');
    if (!items || items.attrs.node !== NODE_DEVICELIST) return false;
    const from = typeof stanza.attrs.from === 'string' ? stanza.attrs.from : '';
    const owner = normalizeBareJid(from);
    if (owner === null || !owner.includes('@')) {
      this.log.warn('device list event not from an account’s bare JID ignored', { from: from.slice(0, 200) });
      return true;
    }
    const item = items.getChildren('item').at(-1);
    const devices = item ? parseDeviceList(item.getChild('list', NS_OMEMO_03)) : [];
    if (devices === null) return true;
    void this.queues
      .run(owner, async () => this.applyDeviceList(owner, devices))
      .then(() => this.keysOfNewDevices(owner))
      .catch((error: unknown) => this.log.warn('applying a device list failed', { owner, error }));
    return true;
  }

  /**
   * Once one of `jid`'s keys was verified, a new device needs the user's decision: its key is
   * fetched now, so that it shows up (undecided) before anything is sent.
   */
  private async keysOfNewDevices(jid: string): Promise<void> {
    if (!this.repo.hasVerified(this.accountId, jid)) return;
    const own = this.status().deviceId;
    const unknown = this.repo
      .devices(this.accountId, NS_OMEMO_03, jid)
      .some((d) => d.active && d.identityKey === null && !(jid === this.ownJid && d.deviceId === own));
    if (unknown) await this.refresh(jid);
  }

  // ---------- own keys and device ----------

  private schedulePublish(): void {
    if (this.publishing) {
      this.publishAgain = true;
      return;
    }
    this.publishing = this.publishOwn()
      .catch((error: unknown) => this.log.warn('publishing OMEMO keys failed', { accountId: this.accountId, error }))
      .finally(() => {
        this.publishing = null;
        if (this.publishAgain) {
          this.publishAgain = false;
          this.schedulePublish();
        }
      });
  }

  /** Tops up pre-keys, publishes the bundle, and adds our device to our list when it is missing. */
  private async publishOwn(): Promise<void> {
    const pep = this.pep;
    if (this.identityLoad.state !== 'ready' || !pep) return;
    const identity = this.identityLoad.identity;
    await topUpKeys(this.repo, this.accountId, NS_OMEMO_03, identity);
    const bundle = ownBundle(this.repo, this.accountId, NS_OMEMO_03, identity);
    await pep.publish(bundleNode(identity.deviceId), 'current', bundleElement(bundle), OPEN);
    await this.queues.run(this.ownJid, async () => {
      const listed = await this.fetchDeviceList(this.ownJid);
      this.applyDeviceList(this.ownJid, listed ?? []);
      if (!(listed ?? []).some((d) => d.deviceId === identity.deviceId)) {
        await this.publishDeviceList([...(listed ?? []), { deviceId: identity.deviceId, label: null }]);
      }
    });
    this.published = true;
  }

  private async publishDeviceList(devices: ListedDevice[]): Promise<void> {
    if (!this.pep) return;
    await this.pep.publish(NODE_DEVICELIST, 'current', deviceListElement(devices), OPEN);
    this.repo.setDeviceList(this.accountId, NS_OMEMO_03, this.ownJid, devices);
  }

  private async fetchDeviceList(jid: string): Promise<ListedDevice[] | null> {
    if (!this.pep) return null;
    const items = await this.pep.items(jid, NODE_DEVICELIST);
    if (items === null) return [];
    const item = items.at(-1);
    return item ? (parseDeviceList(item.getChild('list', NS_OMEMO_03)) ?? []) : [];
  }

  private applyDeviceList(jid: string, devices: ListedDevice[]): void {
    this.repo.setDeviceList(this.accountId, NS_OMEMO_03, jid, devices);
    this.options.onChanged?.(jid);
    // An empty list is read again next time: the contact may set OMEMO up before any event reaches us.
    if (devices.length > 0) this.freshLists.add(jid);
    else this.freshLists.delete(jid);
    if (jid !== this.ownJid || this.identityLoad.state !== 'ready' || !this.pep) return;
    const own = this.identityLoad.identity.deviceId;
    // Another client of ours dropped this device from the list: it is still here, so it goes back.
    if (this.published && !devices.some((d) => d.deviceId === own)) {
      void this.publishDeviceList([...devices, { deviceId: own, label: null }]).catch((error: unknown) =>
        this.log.warn('re-adding our device to the list failed', { error }),
      );
    }
  }

  /**
   * Replaces our identity with a new one and a new device id (the user's decision, e.g. after the
   * key was lost). The old device leaves our list; contacts will see a new, unverified device.
   */
  async resetIdentity(): Promise<void> {
    const old = this.status().deviceId;
    const taken = this.repo.devices(this.accountId, NS_OMEMO_03, this.ownJid).map((d) => d.deviceId);
    const identity = await createIdentity(this.repo, this.options.vault, this.accountId, [old, ...taken]);
    this.identityLoad = { state: 'ready', identity };
    this.published = false;
    if (!this.pep) return;
    await this.queues.run(this.ownJid, async () => {
      const listed = (await this.fetchDeviceList(this.ownJid)) ?? [];
      await this.publishDeviceList(listed.filter((d) => d.deviceId !== old));
    });
    await this.pep.deleteNode(bundleNode(old)).catch(() => undefined);
    await this.publishOwn();
  }

  // ---------- devices and trust ----------

  devices(jid: string): DeviceView[] {
    const own = this.status().deviceId;
    return this.repo.devices(this.accountId, NS_OMEMO_03, jid).map((d) => ({
      jid,
      deviceId: d.deviceId,
      active: d.active,
      label: d.label,
      fingerprint: d.identityKey ? fingerprintOf(d.identityKey) : null,
      trust: d.identityKey ? this.trust.peek(jid, d.identityKey) : null,
      own: jid === this.ownJid && d.deviceId === own,
    }));
  }

  /** Marks the fingerprints verified that match what we know of `jid`'s devices. */
  verify(jid: string, devices: { deviceId: number; identityKey: Buffer }[]): VerifyOutcome[] {
    return devices.map(({ deviceId, identityKey }) => {
      const known = this.repo.device(this.accountId, NS_OMEMO_03, jid, deviceId)?.identityKey ?? null;
      if (known !== null && !known.equals(identityKey)) return { deviceId, result: 'mismatch' };
      this.trust.decide(jid, identityKey, 'verified');
      this.options.onChanged?.(jid);
      return { deviceId, result: known === null ? 'verified-unseen' : 'verified' };
    });
  }

  decideTrust(jid: string, identityKey: Buffer, state: 'verified' | 'untrusted'): void {
    this.trust.decide(jid, identityKey, state);
    this.options.onChanged?.(jid);
  }

  /** Whether `jid` lists devices (as far as we have read). */
  hasDevices(jid: string): boolean {
    return this.repo.devices(this.accountId, NS_OMEMO_03, jid).some((d) => d.active);
  }

  /** `jid`'s listed devices whose key waits for the user's decision. */
  undecided(jid: string): number {
    return this.devices(jid).filter((d) => d.active && d.trust === 'undecided').length;
  }

  /**
   * Reads `jid`'s device list when it was not read in this session, and the bundles of devices we
   * have no session with: their keys and trust become known (a new device shows up as undecided
   * before anything is sent). Changes are reported through onChanged.
   */
  async refresh(jid: string): Promise<void> {
    if (!this.pep || this.identityLoad.state !== 'ready') return;
    await this.queues.run(jid, () => this.usableDevices(jid, []));
  }

  // ---------- sending ----------

  async encrypt(to: string | readonly string[], body: string): Promise<EncryptResult> {
    const sealed = sealPayload(Buffer.from(body, 'utf8'));
    const result = await this.encryptKeys(typeof to === 'string' ? [to] : to, sealed.keyMaterial);
    if (!result.ok) return result;
    const encrypted = encryptedElement({
      sid: result.sid,
      keys: result.keys,
      iv: sealed.iv,
      payload: sealed.ciphertext,
    });
    return {
      ok: true,
      protocol: NS_OMEMO_03,
      children: [
        encrypted,
        xml('encryption', { xmlns: NS_EME, namespace: NS_OMEMO_03, name: 'OMEMO' }),
        xml('store', { xmlns: NS_HINTS }),
        xml('body', {}, FALLBACK_BODY),
      ],
      devices: result.devices,
      skipped: result.skipped,
    };
  }

  /** A key transport element for `to`'s devices (and our others): keys, no body. */
  async keyTransport(to: string): Promise<{ element: Element; devices: DeviceRef[] } | null> {
    const material = keyTransportMaterial();
    const result = await this.encryptKeys([to], material.keyMaterial);
    if (!result.ok) return null;
    const element = encryptedElement({ sid: result.sid, keys: result.keys, iv: material.iv, payload: null });
    return { element, devices: result.devices };
  }

  private async encryptKeys(
    recipients: readonly string[],
    keyMaterial: Buffer,
  ): Promise<
    | { ok: true; sid: number; keys: EncryptedKey[]; devices: DeviceRef[]; skipped: Skipped }
    | Extract<EncryptResult, { ok: false }>
  > {
    const skipped: Skipped = [];
    if (this.identityLoad.state !== 'ready') return { ok: false, reason: 'identity-unavailable', skipped };
    const sid = this.identityLoad.identity.deviceId;
    // Peers look our device up in our list and bundle before they read us (python-omemo refuses
    // a sender it cannot find there): nothing goes out before this session published them.
    await this.started.catch(() => undefined);
    const usable: DeviceRef[] = [];
    for (const to of recipients) {
      const contact = await this.queues.run(to, () => this.usableDevices(to, skipped));
      if (contact === 'unreadable') return { ok: false, reason: 'device-list-unavailable', skipped, jid: to };
      if (contact === null) return { ok: false, reason: 'not-connected', skipped };
      if (contact.listed === 0) return { ok: false, reason: 'no-devices', skipped, jid: to };
      usable.push(...contact.usable);
    }
    const own = recipients.includes(this.ownJid)
      ? null
      : await this.queues.run(this.ownJid, () => this.usableDevices(this.ownJid, skipped));
    const keys: EncryptedKey[] = [];
    const devices: DeviceRef[] = [];
    const { SessionCipher, SignalProtocolAddress } = await signalLibrary();
    for (const device of [...usable, ...(typeof own === 'object' ? (own?.usable ?? []) : [])]) {
      await new Promise((resolve) => setImmediate(resolve));
      try {
        const cipher = new SessionCipher(this.store, new SignalProtocolAddress(device.jid, device.deviceId));
        const message = await cipher.encrypt(toArrayBuffer(keyMaterial));
        keys.push({
          rid: device.deviceId,
          preKey: message.type === 3,
          data: Buffer.from(message.body ?? '', 'binary'),
        });
        devices.push(device);
      } catch (error) {
        this.log.warn('encrypting to a device failed', { device, error });
        skipped.push({ device, reason: 'session-failed' });
      }
    }
    const unreached = recipients.find((to) => !devices.some((d) => d.jid === to));
    if (unreached !== undefined) return { ok: false, reason: 'no-usable-devices', skipped, jid: unreached };
    return { ok: true, sid, keys, devices, skipped };
  }

  /** `jid`'s listed devices (our own without this one) we may encrypt to, each with a session. */
  private async usableDevices(
    jid: string,
    skipped: Skipped,
  ): Promise<{ listed: number; usable: DeviceRef[] } | 'unreadable' | null> {
    let unreadable = false;
    if (!this.freshLists.has(jid) && this.pep) {
      try {
        this.applyDeviceList(jid, (await this.fetchDeviceList(jid)) ?? []);
      } catch (error) {
        unreadable = true;
        this.log.warn('reading a device list failed', { jid, error });
      }
    }
    if (this.repo.deviceListReadAt(this.accountId, NS_OMEMO_03, jid) === null) return unreadable ? 'unreadable' : null;
    const own = this.status().deviceId;
    const listed = this.repo
      .devices(this.accountId, NS_OMEMO_03, jid)
      .filter((d) => d.active && !(jid === this.ownJid && d.deviceId === own));
    const usable: DeviceRef[] = [];
    for (const device of listed) {
      const reason = await this.prepareDevice(jid, device);
      if (reason === null) usable.push({ jid, deviceId: device.deviceId });
      else skipped.push({ device: { jid, deviceId: device.deviceId }, reason });
    }
    return { listed: listed.length, usable };
  }

  /** Makes sure we have a session with a device whose key we may use; null when ready. */
  private async prepareDevice(jid: string, device: DeviceRow): Promise<SkipReason | null> {
    const record = this.repo.session(this.accountId, NS_OMEMO_03, jid, device.deviceId);
    const open = record === null ? undefined : SessionRecord.deserialize(record).getOpenSession();
    if (open && device.identityKey) {
      const state = this.trust.evaluate(jid, device.identityKey);
      return isUsable(state) ? null : state === 'untrusted' ? 'untrusted' : 'undecided';
    }
    // A key the user has not accepted: no bundle to fetch until they do.
    const decided = device.identityKey ? this.trust.evaluate(jid, device.identityKey) : 'blind';
    if (!isUsable(decided)) return decided === 'untrusted' ? 'untrusted' : 'undecided';
    if (!this.pep) return 'no-bundle';
    let items: Element[] | null;
    try {
      items = await this.pep.items(jid, bundleNode(device.deviceId));
    } catch (error) {
      this.log.info('fetching a bundle failed', { jid, deviceId: device.deviceId, error });
      return 'no-bundle';
    }
    const bundle = parseBundle(items?.at(-1)?.getChild('bundle', NS_OMEMO_03));
    if ('error' in bundle) {
      this.log.info('unusable bundle', { jid, deviceId: device.deviceId, error: bundle.error });
      return items === null || bundle.error === 'no-bundle' ? 'no-bundle' : 'bad-bundle';
    }
    const state = this.trust.evaluate(jid, bundle.identityKey);
    // Known even when it may not be used: the user verifies or refuses it by this key.
    if (!isUsable(state)) {
      this.learnIdentity(jid, device.deviceId, bundle.identityKey);
      return state === 'untrusted' ? 'untrusted' : 'undecided';
    }
    const preKey = bundle.preKeys[Math.floor(Math.random() * bundle.preKeys.length)];
    try {
      const { SessionBuilder, SignalProtocolAddress } = await signalLibrary();
      await new SessionBuilder(this.store, new SignalProtocolAddress(jid, device.deviceId)).processPreKey({
        identityKey: serializedPublic(bundle.identityKey),
        signedPreKey: {
          keyId: bundle.signedPreKeyId,
          publicKey: serializedPublic(bundle.signedPreKey),
          signature: toArrayBuffer(bundle.signature),
        },
        preKey: { keyId: preKey.keyId, publicKey: serializedPublic(preKey.publicKey) },
      });
    } catch (error) {
      const signature = error instanceof Error && /signature/i.test(error.message);
      this.log.warn('building a session from a bundle failed', { jid, deviceId: device.deviceId, error });
      return signature ? 'bad-signature' : 'session-failed';
    }
    this.learnIdentity(jid, device.deviceId, bundle.identityKey);
    return null;
  }

  /** Records the identity key a device proved; a new one is a change of `jid`'s devices. */
  private learnIdentity(jid: string, deviceId: number, identityKey: Buffer): void {
    const known = this.repo.device(this.accountId, NS_OMEMO_03, jid, deviceId)?.identityKey ?? null;
    if (known !== null && known.equals(identityKey)) return;
    this.repo.setDeviceIdentity(this.accountId, NS_OMEMO_03, jid, deviceId, identityKey);
    this.options.onChanged?.(jid);
  }

  // ---------- receiving ----------

  async decrypt(message: Element, context: IncomingContext): Promise<DecryptResult> {
    const element = findEncrypted(message);
    if (!element) return { kind: 'plain' };
    // The curve arithmetic runs on this thread: one message per event-loop turn, so a thousand
    // archived messages never hold the loop for more than one of them.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      return await this.decryptElement(element, context);
    } catch (error) {
      // Nothing from the network may throw past this point; the session was not stored.
      this.log.warn('OMEMO decryption failed unexpectedly', { error });
      return this.undecryptable('bad-key-material', null);
    }
  }

  private undecryptable(reason: UndecryptableReason, device: DeviceRef | null): DecryptResult {
    return { kind: 'undecryptable', protocol: NS_OMEMO_03, reason, device };
  }

  private async decryptElement(element: Element, context: IncomingContext): Promise<DecryptResult> {
    const sender = normalizeBareJid(context.sender);
    const parsed = parseEncrypted(element);
    if (sender === null || 'error' in parsed) return this.undecryptable('malformed', null);
    const device = { jid: sender, deviceId: parsed.sid };
    if (this.identityLoad.state !== 'ready') return this.undecryptable('identity-unavailable', device);
    const ownDevice = this.identityLoad.identity.deviceId;
    if (sender === this.ownJid && parsed.sid === ownDevice) return this.undecryptable('own-device', device);
    const key = parsed.keys.find((k) => k.rid === ownDevice);
    if (!key) return this.undecryptable('not-for-this-device', device);
    if (key.data.length === 0) return this.undecryptable('malformed', device);

    const outcome = await this.queues.run(sender, () => openKey(this.ratchet, sender, parsed.sid, key));
    if ('reason' in outcome) return this.undecryptable(outcome.reason, device);
    this.learnIdentity(sender, parsed.sid, outcome.identityKey);
    const from = {
      ...device,
      fingerprint: fingerprintOf(outcome.identityKey),
      trust: this.trust.evaluate(sender, outcome.identityKey),
    };
    const preKey = key.preKey;
    if (parsed.payload === null) return { kind: 'key-transport', protocol: NS_OMEMO_03, device: from, preKey };
    const opened = openPayload(outcome.keyMaterial, parsed.iv, parsed.payload);
    if (!opened.ok) return this.undecryptable(opened.reason, device);
    const body = opened.plaintext.toString('utf8');
    return { kind: 'decrypted', protocol: NS_OMEMO_03, body, device: from, preKey };
  }
}
