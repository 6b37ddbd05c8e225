/**
 * Message ids in commands: newer messages count up from 1, messages paged back from the archive count
 * down from -1, so every command that names a message takes both; 0, fractions and unsafe integers no.
 */
import { describe, expect, it } from 'vitest';
import { commands, messageIdSchema } from '../../../src/shared/contract';

const ACCOUNT = '8ed1947f-73aa-4192-8a8d-ee1dc245100c';

describe('message ids in commands', () => {
  it('takes ids above and below 0, refuses 0, fractions and unsafe integers', () => {
    for (const id of [1, 42, -1, -5000]) expect(messageIdSchema.safeParse(id).success).toBe(true);
    for (const id of [0, 1.5, -0.5, Number.MAX_SAFE_INTEGER + 2, Number.NaN, '3'])
      expect(messageIdSchema.safeParse(id).success).toBe(false);
  });

  it('answers, reacts to and retries a message paged back from the archive', () => {
    const send = { accountId: ACCOUNT, conversation: 'bob@localhost', kind: 'chat', body: 'Thursday' };
    expect(commands['message.send'].input.safeParse({ ...send, replyTo: -3 }).success).toBe(true);
    expect(commands['message.send'].input.safeParse({ ...send, replyTo: 0 }).success).toBe(false);
    expect(commands['message.react'].input.safeParse({ accountId: ACCOUNT, id: -3, emojis: ['👍'] }).success).toBe(
      true,
    );
    expect(commands['message.retract'].input.safeParse({ accountId: ACCOUNT, id: -7 }).success).toBe(true);
    expect(commands['media.preview'].input.safeParse({ accountId: ACCOUNT, messageId: -7 }).success).toBe(true);
  });
});
