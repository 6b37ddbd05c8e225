/**
 * A failed message keeps the server's refusal as its condition and text (the renderer words it);
 * rows written before that hold the sentence the core used to store, and read back the same way.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../../../src/main/core/store/db';
import { MessagesRepository, type NewMessage } from '../../../../../src/main/core/store/messages-repo';
import { OlderMessagesRepository } from '../../../../../src/main/core/store/older-messages-repo';
import { memoryDbWithAccount } from '../../../../support/db';

let db: Db;
let repo: MessagesRepository;

beforeEach(() => {
  db = memoryDbWithAccount('acc', 'me@example.org');
  repo = new MessagesRepository(db);
});
afterEach(() => db.close());

function queued(): number {
  const stored = repo.add({
    accountId: 'acc',
    conversation: 'bob@example.org',
    kind: 'chat',
    direction: 'out',
    sender: 'me@example.org',
    body: 'hi',
    at: 1,
    state: 'queued',
    stanzaId: `s${Math.random()}`,
    originId: null,
    serverId: null,
    resource: null,
    read: true,
  });
  return stored!.id;
}

describe('failed messages', () => {
  it('keep the condition and the text of the refusal', () => {
    const id = queued();
    expect(repo.setState(id, 'failed', { condition: 'forbidden', text: 'Not to you.' })?.error).toEqual({
      condition: 'forbidden',
      text: 'Not to you.',
    });
    expect(repo.get(id)?.error).toEqual({ condition: 'forbidden', text: 'Not to you.' });
    expect(repo.setState(id, 'queued')?.error).toBeNull();
  });

  it('read an older row that holds the sentence as the same condition and text', () => {
    const withText = queued();
    const without = queued();
    const other = queued();
    const write = db.prepare("UPDATE messages SET state = 'failed', error = ? WHERE id = ?");
    write.run('The message was not delivered (service-unavailable): Gone: for good.', withText);
    write.run('The message was not delivered (error).', without);
    write.run('something else entirely', other);
    expect(repo.get(withText)?.error).toEqual({ condition: 'service-unavailable', text: 'Gone: for good.' });
    expect(repo.get(without)?.error).toEqual({ condition: null, text: null });
    expect(repo.get(other)?.error).toEqual({ condition: null, text: null });
  });
});

describe('what a file message says about its file (XEP-0446)', () => {
  const received = (
    file: boolean,
    fileMeta: { name: string | null; size: number | null; type: string | null } | null,
  ) =>
    repo.add({
      accountId: 'acc',
      conversation: 'dave@example.org',
      kind: 'chat',
      direction: 'in',
      sender: 'dave@example.org',
      body: 'https://files.example/a/report.pdf',
      at: 1,
      state: 'received',
      stanzaId: `s${Math.random()}`,
      originId: null,
      serverId: null,
      resource: null,
      read: false,
      file,
      fileMeta,
    })!;

  it('is kept with the message and read back', () => {
    const meta = { name: 'report.pdf', size: 1_234_567, type: 'application/pdf' };
    const stored = received(true, meta);
    expect(stored.fileMeta).toEqual(meta);
    expect(repo.get(stored.id)?.fileMeta).toEqual(meta);
    expect(repo.get(received(true, { name: null, size: 5, type: null }).id)?.fileMeta).toEqual({
      name: null,
      size: 5,
      type: null,
    });
  });

  it('is not kept for a message that shares no file, nor shown when it said nothing', () => {
    expect(repo.get(received(false, { name: 'x.pdf', size: 1, type: null }).id)?.fileMeta).toBeUndefined();
    expect(repo.get(received(true, null).id)?.fileMeta).toBeUndefined();
  });
});

describe('message ids', () => {
  it('a new message takes an id of 1 or more when only older pages from the archive (ids below 0) are stored', () => {
    const older = new OlderMessagesRepository(db, repo);
    const paged = older.storeOlder(
      'acc',
      'bob@example.org',
      [
        {
          accountId: 'acc',
          conversation: 'bob@example.org',
          kind: 'chat',
          direction: 'in',
          sender: 'bob@example.org',
          body: 'Which day suits you?',
          at: 1,
          state: 'received',
          stanzaId: 'b-1',
          originId: 'b-1',
          serverId: 'archive-1',
          resource: null,
          read: true,
        },
      ],
      { beforeId: 'archive-1', complete: true },
    );
    expect(paged.map((m) => m.id)).toEqual([-1]);
    const first = queued();
    expect(first).toBe(1);
    expect(queued()).toBe(2);
  });
});

describe('what add returns', () => {
  const base = {
    accountId: 'acc',
    kind: 'chat' as const,
    direction: 'in' as const,
    at: 1_700_000_000_123,
    state: 'received' as const,
    originId: null,
    serverId: null,
    resource: null,
    read: false,
  };

  it('is the row as read back, for every shape of message (built from what was written, not read)', () => {
    const messages: NewMessage[] = [
      { ...base, conversation: 'bob@example.org', sender: 'bob@example.org', body: 'Grüße 👋 &amp;', stanzaId: 'a' },
      {
        ...base,
        conversation: 'room@conf.example.org',
        kind: 'groupchat',
        sender: 'Zoë',
        body: 'in the room',
        stanzaId: 'b',
        originId: 'o-b',
        serverId: 'srv-b',
        resource: 'Zoë',
        read: true,
        occupantId: 'occ-1',
        reply: { id: 'srv-a', to: 'Anna', quote: '> earlier', target: null },
      },
      {
        ...base,
        conversation: 'dave@example.org',
        sender: 'dave@example.org',
        body: 'https://files.example/a/b.png',
        stanzaId: 'c',
        file: true,
        fileMeta: { name: 'b.png', size: null, type: 'image/png' },
      },
      { ...base, conversation: 'dave@example.org', sender: 'dave@example.org', body: 'x', stanzaId: 'd', file: true },
      {
        ...base,
        conversation: 'eve@example.org',
        sender: 'eve@example.org',
        body: 'secret',
        stanzaId: 'e',
        encryption: {
          protocol: 'omemo',
          device: { id: 42, fingerprint: 'ab'.repeat(32), trust: 'undecided' },
          undecryptable: null,
        },
      },
      {
        ...base,
        conversation: 'eve@example.org',
        direction: 'out',
        sender: 'me@example.org',
        body: '',
        state: 'queued',
        stanzaId: 'f',
        encryption: { protocol: 'omemo', device: null, undecryptable: 'unknown-sender' },
      },
    ];
    for (const message of messages) {
      const stored = repo.add(message)!;
      expect(stored.id).toBeGreaterThan(0);
      expect(stored).toStrictEqual(repo.get(stored.id));
    }
    const many = repo.addMany([
      { ...base, conversation: 'bob@example.org', sender: 'bob@example.org', body: 'one', stanzaId: 'g' },
      messages[1], // stored above: a duplicate
    ]);
    expect(many[0]).toStrictEqual(repo.get(many[0]!.id));
    expect(many[1]).toBeNull();
  });
});
