import { describe, expect, it } from 'vitest';
import { MemoryPep } from '../support/memory-pep';
import { messageWith, openDevice, settle } from '../support/omemo';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

describe('OMEMO 0.3 between two Jabberwock devices', () => {
  it('encrypts to the contact and our other device, and both directions decrypt', async () => {
    const pep = new MemoryPep();
    const alice = await openDevice(pep, ALICE);
    const alice2 = await openDevice(pep, ALICE);
    const bob = await openDevice(pep, BOB);
    await settle();
    const sent = await alice.engine.encrypt(BOB, 'hello bob');
    expect(sent.ok).toBe(true);
    if (!sent.ok) return;
    expect(sent.devices.map((d) => d.deviceId).sort()).toEqual([alice2.deviceId, bob.deviceId].sort());
    const message = messageWith(sent, ALICE, BOB);
    const read = await bob.engine.decrypt(message, { sender: ALICE, via: 'live' });
    expect(read).toMatchObject({ kind: 'decrypted', body: 'hello bob', device: { jid: ALICE, deviceId: alice.deviceId, trust: 'blind' } });
    const carbon = await alice2.engine.decrypt(message, { sender: ALICE, via: 'carbon' });
    expect(carbon).toMatchObject({ kind: 'decrypted', body: 'hello bob' });
    const own = await alice.engine.decrypt(message, { sender: ALICE, via: 'archive' });
    expect(own).toMatchObject({ kind: 'undecryptable', reason: 'own-device' });
    const reply = await bob.engine.encrypt(ALICE, 'hi alice');
    const back = await alice.engine.decrypt(messageWith(reply, BOB, ALICE), { sender: BOB, via: 'live' });
    expect(back).toMatchObject({ kind: 'decrypted', body: 'hi alice' });
  });
});
