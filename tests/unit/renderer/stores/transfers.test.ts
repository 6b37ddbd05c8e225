/** The transfers store fed through the event pump: transfers by id, and send problems until dismissed. */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TransferView } from '../../../../src/shared/contract';
import { useAccountsStore } from '../../../../src/renderer/src/stores/accounts';
import { useAppStore } from '../../../../src/renderer/src/stores/app';
import { useTransfersStore } from '../../../../src/renderer/src/stores/transfers';
import { flush, pumpInto, snapshot } from '../fixtures';

function transfer(id: string, accountId: string): TransferView {
  return {
    id,
    accountId,
    direction: 'upload',
    conversation: 'juliet@x',
    kind: 'chat',
    name: 'a.png',
    size: 10,
    transferred: 10,
    bytesPerSecond: 0,
    state: 'done',
    error: null,
    url: 'https://x/a.png',
    messageId: null,
    preview: null,
    startedAt: 1,
  };
}

describe('transfers store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("drops a removed account's transfers and send problems, and keeps another's", async () => {
    const s = pumpInto(snapshot({ transfers: [transfer('t1', 'a1'), transfer('t2', 'a11')] }), {
      accounts: useAccountsStore(),
      app: useAppStore(),
      transfers: useTransfersStore(),
    });
    await flush();
    s.transfers.addProblem('a1', 'juliet@x', 'big.iso', 'Too large');
    s.transfers.addProblem('a11', 'juliet@x', 'big.iso', 'Too large');
    s.push({ events: [{ type: 'account.removed', id: 'a1' }] });
    expect([...s.transfers.byId.keys()]).toEqual(['t2']);
    expect(s.transfers.problemsIn('a1', 'juliet@x')).toEqual([]);
    expect(s.transfers.problemsIn('a11', 'juliet@x')).toHaveLength(1);
    s.push({ events: [{ type: 'transfer.removed', id: 't2' }] });
    expect(s.transfers.get('t2')).toBeUndefined();
  });
});
