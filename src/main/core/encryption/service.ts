/**
 * The encryption layer between features and the session: one engine per account and protocol
 * (OMEMO 0.3 now; urn:xmpp:omemo:2 can be added beside it), fed by the account lifecycle, and the
 * narrow interface the chat feature calls (ChatEncryption). Messages are handed over after chat
 * checked their envelope (carbons from our bare JID, archive results from the archive we asked);
 * nothing here trusts a sender it was not told.
 */
import xml, { type Element } from '@xmpp/xml';
import type { AccountLifecycleListener } from '../accounts/account-manager';
import type { SessionOnline } from '../accounts/session-api';
import type { Logger } from '../log';
import type { OmemoRepository } from '../store/omemo-repo';
import type { IdentityVault } from './identity-vault';
import { FEATURE_DEVICELIST_NOTIFY } from './omemo/stanzas';
import { Omemo03 } from './omemo/omemo03';
import { createPepClient, type PepClient } from './pep';
import { parseFingerprint, parseVerificationUri } from './trust';
import type {
  DecryptResult,
  DeviceView,
  EncryptionStatus,
  EncryptResult,
  IncomingContext,
  VerifyOutcome,
} from './types';
import { type SessionXmpp } from '../accounts/client';
import { normalizeBareJid } from '../../../shared/jid';

/** Features to add to our disco#info so the server sends us device list changes (XEP-0163 +notify). */
export const ENCRYPTION_FEATURES: readonly string[] = [FEATURE_DEVICELIST_NOTIFY];

/** What the chat feature calls. */
export interface ChatEncryption {
  /** Whether `message` carries an encrypted element of a protocol we implement (cheap, synchronous). */
  isEncrypted(message: Element): boolean;
  /**
   * Decrypts an incoming message (live, carbon copy or archived) whose envelope chat has verified.
   * Never throws; an unreadable message comes back as 'undecryptable' with a reason code.
   */
  decryptMessage(accountId: string, message: Element, context: IncomingContext): Promise<DecryptResult>;
  /** The children to put in an outgoing chat <message/> to `to` (a bare JID), or why there are none. */
  encryptMessage(accountId: string, to: string, body: string): Promise<EncryptResult>;
}

export interface EncryptionServiceOptions {
  repo: OmemoRepository;
  vault: IdentityVault;
  log: Logger;
  /** The account's bare JID (null for an unknown account). */
  accountJid(accountId: string): string | null;
  /** Makes the PEP client for a session (tests may pass their own). */
  pepFor?(xmpp: SessionXmpp, ownJid: string): PepClient;
  /** A JID's devices changed (its list, a key learned, a trust decision). */
  onChanged?(accountId: string, jid: string): void;
  /** The account's engine has a session to work with (messages waiting to be encrypted can go). */
  onReady?(accountId: string): void;
  /** A key kept for one run only was gone after a restart: a new one replaced it (see replaceGoneKey). */
  onKeyReplaced?(accountId: string, oldDeviceId: number, deviceId: number): void;
  /**
   * A new session's engine starts once `rosterReady` is called for it: making and publishing keys
   * (hundreds of CPU-ms for a new identity) then does not hold up the roster and initial presence.
   */
  startAfterRoster?: boolean;
}

export type ManageError = 'unknown-account' | 'bad-fingerprint' | 'bad-uri' | 'wrong-contact';

export class EncryptionService implements AccountLifecycleListener, ChatEncryption {
  private readonly engines = new Map<string, { jid: string; engine: Promise<Omemo03> }>();
  /** New sessions' engine starts waiting for their roster (startAfterRoster). */
  private readonly waitingForRoster = new Map<string, () => void>();

  constructor(private readonly options: EncryptionServiceOptions) {}

  // ---------- lifecycle ----------

  onClient(accountId: string, xmpp: SessionXmpp): void {
    xmpp.middleware.use((ctx, next) => {
      const stanza = ctx.stanza;
      if (stanza.name !== 'message' || !stanza.getChild('event', 'http://jabber.org/protocol/pubsub#event'))
        return next();
      void this.engine(accountId)
        .then((engine) => engine?.handleEvent(stanza))
        .catch((error: unknown) => this.options.log.warn('PEP event not applied', { accountId, error }));
      return next();
    });
  }

  onOnline(accountId: string, online: SessionOnline): void {
    const ownJid = normalizeBareJid(online.boundJid.split('/')[0]);
    if (ownJid === null) return;
    const pep = (this.options.pepFor ?? createPepClient)(online.xmpp, ownJid);
    // A resumed stream (XEP-0198) keeps what we published and the events we missed are redelivered.
    const start = () =>
      void this.engine(accountId)
        .then(async (engine) => {
          if (!engine) return;
          if (!online.resumed) await this.replaceGoneKey(accountId, engine, pep);
          // The engine uses the session from here on (publishing may still be on its way).
          const started = online.resumed ? engine.resume(pep) : engine.online(pep);
          this.options.onReady?.(accountId);
          return started;
        })
        .catch((error: unknown) => this.options.log.warn('OMEMO start failed', { accountId, error }));
    if (online.resumed || !this.options.startAfterRoster) start();
    else this.waitingForRoster.set(accountId, start);
  }

  /** The session's roster is in (or its request failed): a start that waited for it goes now. */
  rosterReady(accountId: string): void {
    const start = this.waitingForRoster.get(accountId);
    this.waitingForRoster.delete(accountId);
    start?.();
  }

  /**
   * A key kept for this run only (no keychain, and no opt-in to a plain file) is gone after a
   * restart for good: nothing can bring it back, and contacts keep encrypting to a device that can
   * no longer read. So a new key and device replace it, the old device leaves our list, and the user
   * is told. A key that is stored but could not be read (a keychain failing) may come back: it stays
   * unavailable until the user makes a new one.
   */
  private async replaceGoneKey(accountId: string, engine: Omemo03, pep: PepClient): Promise<void> {
    const status = engine.status();
    if (status.state !== 'identity-unavailable' || status.keeping !== 'missing') return;
    engine.resume(pep); // the session to publish the new device with
    try {
      await engine.resetIdentity();
    } catch (error) {
      // Made but not all published: the session's own publication adds the new device.
      this.options.log.warn('publishing the new OMEMO key failed', { accountId, error });
    }
    if (engine.status().state === 'ready')
      this.options.onKeyReplaced?.(accountId, status.deviceId, engine.status().deviceId);
  }

  onOffline(accountId: string): void {
    this.waitingForRoster.delete(accountId);
    // An engine still opening when the store closes (the app quitting) fails to open: nothing to stop then.
    void this.engines
      .get(accountId)
      ?.engine.then((engine) => engine.offline())
      .catch((error: unknown) => this.options.log.info('OMEMO engine was not open', { accountId, error }));
  }

  onRemoved(accountId: string): void {
    this.waitingForRoster.delete(accountId);
    this.engines.delete(accountId);
    this.options.vault.delete(accountId);
  }

  // ---------- for chat ----------

  isEncrypted(message: Element): boolean {
    return message.getChild('encrypted', 'eu.siacs.conversations.axolotl') !== undefined;
  }

  carriesText(message: Element): boolean {
    return message.getChild('encrypted', 'eu.siacs.conversations.axolotl')?.getChild('payload') !== undefined;
  }

  async decryptMessage(accountId: string, message: Element, context: IncomingContext): Promise<DecryptResult> {
    if (!this.isEncrypted(message)) return { kind: 'plain' };
    const engine = await this.engine(accountId).catch(() => null);
    if (!engine)
      return {
        kind: 'undecryptable',
        protocol: 'eu.siacs.conversations.axolotl',
        reason: 'identity-unavailable',
        device: null,
      };
    return engine.decrypt(message, context);
  }

  async encryptMessage(accountId: string, to: string, body: string): Promise<EncryptResult> {
    const engine = await this.engine(accountId);
    const jid = normalizeBareJid(to);
    if (!engine) return { ok: false, reason: 'not-connected', skipped: [] };
    if (jid === null) return { ok: false, reason: 'no-devices', skipped: [] };
    return engine.encrypt(jid, body);
  }

  /** The children for a room message: encrypted to every member's devices (bare JIDs) and our others. */
  async encryptToMembers(accountId: string, members: readonly string[], body: string): Promise<EncryptResult> {
    const engine = await this.engine(accountId);
    if (!engine) return { ok: false, reason: 'not-connected', skipped: [] };
    return engine.encrypt(members, body);
  }

  /**
   * The children of an empty message that only carries keys to `to`'s devices and our others (a
   * key transport): the answer to a pre-key message when the user writes nothing back.
   */
  async keyTransport(accountId: string, to: string): Promise<Element[] | null> {
    const engine = await this.engine(accountId);
    const jid = normalizeBareJid(to);
    if (!engine || jid === null) return null;
    const transport = await engine.keyTransport(jid);
    return transport ? [transport.element, xml('store', { xmlns: 'urn:xmpp:hints' })] : null;
  }

  /** Whether `jid` lists devices, as far as we have read (false for an account not started yet). */
  async hasDevices(accountId: string, jid: string): Promise<boolean> {
    return (await this.engine(accountId).catch(() => null))?.hasDevices(jid) ?? false;
  }

  /** How many of `jid`'s listed devices wait for the user's trust decision. */
  async undecided(accountId: string, jid: string): Promise<number> {
    return (await this.engine(accountId).catch(() => null))?.undecided(jid) ?? 0;
  }

  /** Reads `jid`'s device list (when not read in this session) and the keys of devices without a session. */
  async refresh(accountId: string, jid: string): Promise<void> {
    const bare = normalizeBareJid(jid);
    const engine = await this.engine(accountId);
    if (engine && bare) await engine.refresh(bare);
  }

  // ---------- for the contact panel and settings ----------

  async status(accountId: string): Promise<EncryptionStatus | null> {
    return (await this.engine(accountId))?.status() ?? null;
  }

  async devices(accountId: string, jid: string): Promise<DeviceView[]> {
    const bare = normalizeBareJid(jid);
    const engine = await this.engine(accountId);
    return engine && bare ? engine.devices(bare) : [];
  }

  /** The user compared a fingerprint (verified) or refused it (untrusted). */
  async setTrust(
    accountId: string,
    jid: string,
    fingerprint: string,
    state: 'verified' | 'untrusted',
  ): Promise<ManageError | null> {
    const engine = await this.engine(accountId);
    const key = parseFingerprint(fingerprint);
    const bare = normalizeBareJid(jid);
    if (!engine) return 'unknown-account';
    if (!key || !bare) return 'bad-fingerprint';
    engine.decideTrust(bare, key, state);
    return null;
  }

  /** A pasted or scanned `xmpp:` URI with fingerprints; `expectedJid` is the contact it was pasted for. */
  async verifyUri(
    accountId: string,
    uri: string,
    expectedJid?: string,
  ): Promise<{ jid: string; devices: VerifyOutcome[] } | ManageError> {
    const engine = await this.engine(accountId);
    if (!engine) return 'unknown-account';
    const parsed = parseVerificationUri(uri);
    if ('error' in parsed) return 'bad-uri';
    if (expectedJid !== undefined && normalizeBareJid(expectedJid) !== parsed.jid) return 'wrong-contact';
    return { jid: parsed.jid, devices: engine.verify(parsed.jid, parsed.devices) };
  }

  /** Creates a new identity (e.g. when the old key is unavailable); contacts will see a new device. */
  async resetIdentity(accountId: string): Promise<ManageError | null> {
    const engine = await this.engine(accountId);
    if (!engine) return 'unknown-account';
    await engine.resetIdentity();
    return null;
  }

  // ---------- engines ----------

  private engine(accountId: string): Promise<Omemo03 | null> {
    const jid = this.options.accountJid(accountId);
    if (jid === null) return Promise.resolve(null);
    let account = this.engines.get(accountId);
    if (!account || account.jid !== jid) {
      const engine = Omemo03.open({
        repo: this.options.repo,
        vault: this.options.vault,
        accountId,
        ownJid: jid,
        log: this.options.log.child('omemo'),
        onChanged: (changed) => this.options.onChanged?.(accountId, changed),
      });
      account = { jid, engine };
      this.engines.set(accountId, account);
      engine.catch(() => this.engines.delete(accountId));
    }
    return account.engine;
  }
}
