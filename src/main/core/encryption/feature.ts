/**
 * End-to-end encryption as the rest of the core sees it: the EncryptionService (one engine per
 * account) on the account lifecycle, the port chat encrypts and decrypts through (with each
 * conversation's setting), the encryption.* commands, and the events that tell the renderer when a
 * JID's devices, their trust or a conversation's setting changed.
 *
 * A conversation's setting is the user's choice; without one it is on when the contact has
 * devices (as Conversations and Dino do), and that default is kept as the choice the first time a
 * message goes out under it, so a conversation never falls back to the clear by itself.
 */
import type { ConversationEncryptionView, EncryptionDevicesView } from '../../../shared/encryption';
import { normalizeBareJid } from '../../../shared/jid';
import { fail, ok } from '../../../shared/result';
import type { CommandHandlers } from '../command-handlers';
import type { AccountLifecycleListener } from '../accounts/account-manager';
import type { SessionXmpp } from '../accounts/client';
import type { SessionOnline } from '../accounts/session-api';
import type { EventBus } from '../events';
import type { ChatEncryptionPort } from '../features/chat/encryption-port';
import type { Logger } from '../log';
import type { SecretStore } from '../secrets';
import { ConversationEncryptionRepository } from '../store/conversation-encryption-repo';
import type { Db } from '../store/db';
import { OmemoRepository } from '../store/omemo-repo';
import { background } from '../util/background';
import { createIdentityVault } from './identity-vault';
import { NS_OMEMO_03 } from './omemo/stanzas';
import type { PepClient } from './pep';
import type { EncryptedRooms } from './rooms';
import { EncryptionService } from './service';
import { fingerprintOf, parseFingerprint, TrustBook } from './trust';
import { verifyLink } from './verify-link';
import type { EncryptResult } from './types';

type EncryptionCommand =
  | 'encryption.conversation'
  | 'encryption.setEncrypted'
  | 'encryption.devices'
  | 'encryption.setTrust'
  | 'encryption.verifyLink'
  | 'encryption.newKey';

export type EncryptionHandlers = CommandHandlers<EncryptionCommand>;

export interface EncryptionFeatureOptions {
  db: Db;
  secrets: SecretStore;
  bus: EventBus;
  log: Logger;
  /** The account's bare JID (null for an unknown account). */
  accountJid(accountId: string): string | null;
  /** The account's encryption can work now (its session is online): chat sends what waited for it. */
  onReady?(accountId: string): void;
  /** Makes the PEP client for a session (tests may pass their own). */
  pepFor?(xmpp: SessionXmpp, ownJid: string): PepClient;
  /** A key kept for one run only was gone after a restart: a new one replaced it (the user is told). */
  onKeyReplaced?(accountId: string, oldDeviceId: number, deviceId: number): void;
  /** Rooms and their members (read when asked: the rooms are built after this feature). */
  rooms?(): EncryptedRooms | null;
  /** See EncryptionServiceOptions.startAfterRoster. */
  startAfterRoster?: boolean;
}

export class EncryptionFeature implements AccountLifecycleListener {
  readonly service: EncryptionService;
  readonly handlers: EncryptionHandlers;
  /** What chat encrypts and decrypts through. */
  readonly chat: ChatEncryptionPort;
  private readonly repo: OmemoRepository;
  private readonly modes: ConversationEncryptionRepository;

  constructor(private readonly options: EncryptionFeatureOptions) {
    const { db, log } = options;
    this.repo = new OmemoRepository(db);
    this.modes = new ConversationEncryptionRepository(db);
    const service = (this.service = new EncryptionService({
      repo: this.repo,
      vault: createIdentityVault(options.secrets),
      log: log.child('encryption'),
      accountJid: options.accountJid,
      pepFor: options.pepFor,
      onChanged: (accountId, jid) => this.changed(accountId, jid),
      onReady: (accountId) => options.onReady?.(accountId),
      onKeyReplaced: (accountId, oldDeviceId, deviceId) => options.onKeyReplaced?.(accountId, oldDeviceId, deviceId),
      startAfterRoster: options.startAfterRoster,
    }));
    this.chat = {
      isEncrypted: (message) => service.isEncrypted(message),
      carriesText: (message) => service.carriesText(message),
      decryptMessage: (accountId, message, context) => service.decryptMessage(accountId, message, context),
      encryptMessage: (accountId, to, body) =>
        this.roomsOf(accountId, to)
          ? this.encryptForRoom(accountId, to, body)
          : service.encryptMessage(accountId, to, body),
      keyTransport: (accountId, to) => service.keyTransport(accountId, to),
      encryptsTo: (accountId, conversation, waited) => this.encryptsTo(accountId, conversation, waited),
    };
    this.handlers = {
      'encryption.conversation': (input) => {
        if (this.options.accountJid(input.accountId) === null) return fail('not_found', 'account.notFound');
        this.refreshLater(input.accountId, input.conversation);
        return ok(this.conversationView(input.accountId, input.conversation));
      },
      'encryption.setEncrypted': (input) => {
        if (this.options.accountJid(input.accountId) === null) return fail('not_found', 'account.notFound');
        this.modes.setMode(input.accountId, input.conversation, input.encrypted ? 'omemo' : 'plain');
        const view = this.conversationView(input.accountId, input.conversation);
        this.options.bus.emit({ type: 'encryption.conversation', conversation: view });
        return ok(view);
      },
      'encryption.devices': (input) => {
        if (this.options.accountJid(input.accountId) === null) return fail('not_found', 'account.notFound');
        this.refreshLater(input.accountId, input.jid);
        return ok(this.devicesView(input.accountId, input.jid));
      },
      'encryption.setTrust': async (input) => {
        if (this.options.accountJid(input.accountId) === null) return fail('not_found', 'account.notFound');
        const key = parseFingerprint(input.fingerprint);
        const known = this.repo
          .devices(input.accountId, NS_OMEMO_03, input.jid)
          .some((device) => key !== null && device.identityKey?.equals(key));
        if (!known) return fail('not_found', 'encryption.unknownDevice');
        const refused = await service.setTrust(input.accountId, input.jid, input.fingerprint, input.trust);
        if (refused !== null) return fail('not_found', 'encryption.unavailable');
        return ok(this.devicesView(input.accountId, input.jid));
      },
      'encryption.verifyLink': async (input) => {
        if (this.options.accountJid(input.accountId) === null) return fail('not_found', 'account.notFound');
        const verified = await verifyLink(this.repo, service, input);
        if (!verified.ok) return verified;
        return ok({ ...verified.value, devices: this.devicesView(input.accountId, verified.value.jid) });
      },
      'encryption.newKey': async (input) => {
        const ownJid = this.options.accountJid(input.accountId);
        if (ownJid === null) return fail('not_found', 'account.notFound');
        if ((await service.resetIdentity(input.accountId)) !== null) return fail('not_found', 'encryption.unavailable');
        this.changed(input.accountId, ownJid);
        return ok(this.devicesView(input.accountId, ownJid));
      },
    };
  }

  // ---------- lifecycle ----------

  onClient(accountId: string, xmpp: SessionXmpp): void {
    this.service.onClient(accountId, xmpp);
  }

  onOnline(accountId: string, online: SessionOnline): void {
    this.service.onOnline(accountId, online);
  }

  onOffline(accountId: string): void {
    this.service.onOffline(accountId);
  }

  onRemoved(accountId: string): void {
    this.service.onRemoved(accountId);
  }

  // ---------- views ----------

  conversationView(accountId: string, conversation: string): ConversationEncryptionView {
    const rooms = this.roomsOf(accountId, conversation);
    if (rooms) return this.roomView(accountId, conversation, rooms);
    const chosen = this.modes.mode(accountId, conversation);
    const devices = this.devicesView(accountId, conversation).devices.filter((device) => device.active);
    const available = devices.length > 0;
    return {
      accountId,
      conversation,
      encrypted: chosen === null ? available : chosen === 'omemo',
      chosen: chosen !== null,
      available,
      undecided: devices.filter((device) => device.trust === 'undecided').length,
    };
  }

  /** The devices of `jid` (ours first, then the listed ones), with fingerprints and trust as they are now. */
  devicesView(accountId: string, jid: string): EncryptionDevicesView {
    const identity = this.repo.identity(accountId);
    const ownJid = this.options.accountJid(accountId);
    const isOwn = (deviceId: number) => jid === ownJid && deviceId === identity?.deviceId;
    const trust = new TrustBook(this.repo, accountId);
    const devices = this.repo.devices(accountId, NS_OMEMO_03, jid).map((device) => ({
      deviceId: device.deviceId,
      active: device.active,
      label: device.label,
      fingerprint: isOwn(device.deviceId)
        ? fingerprintOf(identity!.publicKey)
        : device.identityKey && fingerprintOf(device.identityKey),
      trust: isOwn(device.deviceId) || !device.identityKey ? null : trust.peek(jid, device.identityKey),
      own: isOwn(device.deviceId),
    }));
    if (identity && jid === ownJid && !devices.some((device) => device.own)) {
      // Not in our published list yet (never online, or being published): still this device.
      devices.push({
        deviceId: identity.deviceId,
        active: false,
        label: null,
        fingerprint: fingerprintOf(identity.publicKey),
        trust: null,
        own: true,
      });
    }
    devices.sort((a, b) => Number(b.own) - Number(a.own) || Number(b.active) - Number(a.active));
    return { accountId, jid, devices };
  }

  /**
   * A room's encryption: possible when it is members-only and non-anonymous and every member has
   * devices; on by default then (the choice is kept as for a contact).
   */
  private roomView(accountId: string, room: string, rooms: EncryptedRooms): ConversationEncryptionView {
    const chosen = this.modes.mode(accountId, room);
    const recipients = rooms.recipients(accountId, room);
    const members = 'members' in recipients ? recipients.members : [];
    const active = (jid: string) => this.repo.devices(accountId, NS_OMEMO_03, jid).filter((device) => device.active);
    const withoutDevices = members.filter((member) => active(member).length === 0);
    const roomBlocked =
      'blocked' in recipients ? recipients.blocked : withoutDevices.length > 0 ? 'member-without-devices' : null;
    const pending = chosen === null && 'blocked' in recipients && recipients.pending === true;
    const available = roomBlocked === null;
    const undecided = members.reduce(
      (sum, member) =>
        sum + this.devicesView(accountId, member).devices.filter((d) => d.active && d.trust === 'undecided').length,
      0,
    );
    return {
      accountId,
      conversation: room,
      encrypted: chosen === null ? available : chosen === 'omemo',
      chosen: chosen !== null,
      available,
      undecided,
      roomBlocked,
      withoutDevices,
      pending,
    };
  }

  /** A room's membership or configuration changed: its view, once per flush. */
  roomChanged(accountId: string, room: string): void {
    this.options.bus.emitLazy(`encryptionRoom|${accountId}|${room}`, () => ({
      type: 'encryption.conversation' as const,
      conversation: this.conversationView(accountId, room),
    }));
  }

  // ---------- chat ----------

  /** The rooms port when `jid` is one of the account's rooms. */
  private roomsOf(accountId: string, jid: string): EncryptedRooms | null {
    const rooms = this.options.rooms?.() ?? null;
    return rooms?.isRoom(accountId, jid) ? rooms : null;
  }

  /** A room message goes to every member's devices; never when the room does not allow it. */
  private async encryptForRoom(accountId: string, room: string, body: string): Promise<EncryptResult> {
    const recipients = this.roomsOf(accountId, room)?.recipients(accountId, room) ?? { blocked: 'unknown' };
    if (!('blocked' in recipients)) return this.service.encryptToMembers(accountId, recipients.members, body);
    // Being read (joining, or its configuration asked): waits like an account not online.
    if ('pending' in recipients && recipients.pending) return { ok: false, reason: 'not-connected', skipped: [] };
    const reason = recipients.blocked === 'unknown' ? 'room-members-unknown' : 'room-not-eligible';
    return { ok: false, reason, skipped: [] };
  }

  private encryptsTo(accountId: string, conversation: string, waited = false): boolean | 'pending' {
    const view = this.conversationView(accountId, conversation);
    // A room being read decides once it is read: neither its default nor the clear before that.
    if (view.pending) return 'pending';
    if (waited && !view.chosen && view.roomBlocked === 'unknown') return true;
    if (view.encrypted && !view.chosen) {
      this.modes.setMode(accountId, conversation, 'omemo');
      this.options.bus.emit({ type: 'encryption.conversation', conversation: { ...view, chosen: true } });
    }
    return view.encrypted;
  }

  // ---------- changes ----------

  private refreshLater(accountId: string, jid: string): void {
    const rooms = this.roomsOf(accountId, jid);
    const recipients = rooms?.recipients(accountId, jid);
    // A room has no devices of its own: its members' are read.
    const jids = !rooms ? [jid] : recipients && 'members' in recipients ? recipients.members : [];
    for (const one of jids) background(this.service.refresh(accountId, one), this.options.log, 'reading a device list');
  }

  /** A JID's devices changed: its view, and (for a contact) its conversation's, once per flush. */
  private changed(accountId: string, jid: string): void {
    const bare = normalizeBareJid(jid);
    if (bare === null) return;
    for (const room of this.options.rooms?.()?.roomsOf(accountId, bare) ?? []) this.roomChanged(accountId, room);
    this.options.bus.emitLazy(`encryption|${accountId}|${bare}`, () => {
      const devices = { type: 'encryption.devices' as const, devices: this.devicesView(accountId, bare) };
      if (bare === this.options.accountJid(accountId)) return devices;
      return [
        devices,
        { type: 'encryption.conversation' as const, conversation: this.conversationView(accountId, bare) },
      ];
    });
  }
}
