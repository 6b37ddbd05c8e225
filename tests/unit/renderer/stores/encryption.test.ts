/**
 * The encryption store fed through the event pump: a conversation's setting and a JID's devices as
 * the core sends them (replaced whole per event, forgotten with their account and on a new
 * snapshot), and the words the views use for them.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationEncryptionView, EncryptionDevicesView } from '../../../../src/shared/contract';
import { useAccountsStore } from '../../../../src/renderer/src/stores/accounts';
import { useAppStore } from '../../../../src/renderer/src/stores/app';
import { useEncryptionStore } from '../../../../src/renderer/src/stores/encryption';
import {
  encryptFailureText,
  fingerprintBlocks,
  messageMark,
  newDevicesText,
  undecryptableText,
} from '../../../../src/renderer/src/lib/words/encryption';
import { flush, pumpInto, snapshot } from '../fixtures';

const conversation = (extra: Partial<ConversationEncryptionView> = {}): ConversationEncryptionView => ({
  accountId: 'a1',
  conversation: 'bob@x',
  encrypted: true,
  chosen: false,
  available: true,
  undecided: 0,
  ...extra,
});

const devices = (trust: 'blind' | 'undecided'): EncryptionDevicesView => ({
  accountId: 'a1',
  jid: 'bob@x',
  devices: [{ deviceId: 7, active: true, label: null, fingerprint: 'ab'.repeat(32), trust, own: false }],
});

describe('encryption store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('keeps the latest setting and devices per account and JID; forgets them with the account and on a snapshot', async () => {
    const pump = pumpInto(snapshot(), {
      accounts: useAccountsStore(),
      app: useAppStore(),
      encryption: useEncryptionStore(),
    });
    await flush();
    pump.push({ events: [{ type: 'encryption.conversation', conversation: conversation() }] });
    pump.push({
      events: [
        { type: 'encryption.devices', devices: devices('blind') },
        { type: 'encryption.devices', devices: devices('undecided') },
        { type: 'encryption.conversation', conversation: conversation({ undecided: 1 }) },
        { type: 'encryption.conversation', conversation: conversation({ accountId: 'a2' }) },
      ],
    });
    await flush();
    const store = pump.encryption;
    expect(store.conversation('a1', 'bob@x')?.undecided).toBe(1);
    expect(store.devicesOf('a1', 'bob@x')?.devices[0].trust).toBe('undecided');
    pump.push({ events: [{ type: 'account.removed', id: 'a1' }] });
    await flush();
    expect(store.conversation('a1', 'bob@x')).toBeUndefined();
    expect(store.devicesOf('a1', 'bob@x')).toBeUndefined();
    expect(store.conversation('a2', 'bob@x')?.encrypted).toBe(true);
  });

  it('words fingerprints in eight blocks, marks, prompts and failures', () => {
    expect(fingerprintBlocks('AB'.repeat(32))).toEqual(Array(8).fill('abababab'));
    expect(messageMark(true, 'blind')).toBe('Encrypted');
    expect(messageMark(true, 'undecided')).toBe('Encrypted, from a device that is not verified');
    expect(messageMark(false, null)).toBe('Not encrypted');
    expect(newDevicesText('Bob', 2)).toContain('Bob has 2 new devices that are not verified');
    expect(undecryptableText('not-for-this-device')).toContain('Ask them to send it again');
    expect(encryptFailureText({ reason: 'no-devices', skipped: {} })).toBe(
      'It could not be encrypted: the contact has no device that can read encrypted messages.',
    );
  });
});
