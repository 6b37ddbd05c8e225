/**
 * Read state and drafts in the store: the contact's displayed position only moves forward, a marker
 * owed is taken once, our read position marks read up to a message we hold by its server id, and a
 * draft is kept, replaced and removed when emptied.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../../../src/main/core/store/db';
import { MessagesRepository } from '../../../../../src/main/core/store/messages-repo';
import { ReadStateRepository } from '../../../../../src/main/core/store/read-state-repo';
import { memoryDbWithAccount } from '../../../../support/db';

const BOB = 'bob@example.org';
let db: Db;
let messages: MessagesRepository;
let repo: ReadStateRepository;

beforeEach(() => {
  db = memoryDbWithAccount('acc', 'me@example.org');
  messages = new MessagesRepository(db);
  repo = new ReadStateRepository(db);
});
afterEach(() => db.close());

function incoming(body: string, serverId: string | null): number {
  return messages.add({
    accountId: 'acc',
    conversation: BOB,
    kind: 'chat',
    direction: 'in',
    sender: BOB,
    body,
    at: 1,
    state: 'received',
    stanzaId: `s-${body}`,
    originId: null,
    serverId,
    resource: null,
    read: false,
  })!.id;
}

describe('read state', () => {
  it("moves the contact's displayed position forward only, and shows it with the conversation", () => {
    const first = incoming('one', null);
    expect(repo.setPeerDisplayed('acc', BOB, first + 5)).toBe(true);
    expect(repo.setPeerDisplayed('acc', BOB, first)).toBe(false);
    expect(repo.peerDisplayed('acc', BOB)).toBe(first + 5);
    expect(messages.conversation('acc', BOB)?.peerDisplayed).toBe(first + 5);
  });

  it('gives the marker owed once', () => {
    repo.setMarkable('acc', BOB, 'm-1');
    repo.setMarkable('acc', BOB, 'm-2');
    expect(repo.takeMarkable('acc', BOB)).toBe('m-2');
    expect(repo.takeMarkable('acc', BOB)).toBeNull();
  });

  it('marks read up to a message we hold by its server id, and nothing for one we do not', () => {
    incoming('one', 'sid-1');
    incoming('two', 'sid-2');
    incoming('three', null);
    expect(repo.lastServerId('acc', BOB)).toBe('sid-2');
    expect(repo.markReadUpTo('acc', BOB, 'sid-unknown')).toBeNull();
    expect(messages.conversation('acc', BOB)?.unread).toBe(3);
    expect(repo.markReadUpTo('acc', BOB, 'sid-2')).toBe(2);
    expect(messages.conversation('acc', BOB)?.unread).toBe(1);
  });
});

describe('drafts', () => {
  it('keeps, replaces and removes a draft', () => {
    expect(repo.draft('acc', BOB)).toBeNull();
    repo.setDraft('acc', BOB, 'half a thought');
    repo.setDraft('acc', BOB, 'a whole thought');
    expect(repo.draft('acc', BOB)).toBe('a whole thought');
    expect(repo.drafts()).toEqual([{ accountId: 'acc', conversation: BOB, text: 'a whole thought' }]);
    repo.setDraft('acc', BOB, '');
    expect(repo.draft('acc', BOB)).toBeNull();
  });
});
