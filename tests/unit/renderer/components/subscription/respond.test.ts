/** The add-contact and accept-and-add checks, answering requests in bulk, and policies in words. */
import { describe, expect, it } from 'vitest';
import type { CommandInput, CommandName } from '../../../../../src/shared/contract';
import { SUBSCRIPTION_BULK_MAX } from '../../../../../src/shared/limits';
import { appError, fail, ok } from '../../../../../src/shared/result';
import type { Transport } from '../../../../../src/renderer/src/api/types';
import {
  buildAcceptAddInput,
  buildAddContactInput,
  type AddContactValues,
} from '../../../../../src/renderer/src/components/subscription/contact-form';
import { outcomeText, respond } from '../../../../../src/renderer/src/components/subscription/respond';
import { policyText } from '../../../../../src/renderer/src/components/subscription/policy';

function values(extra: Partial<AddContactValues> = {}): AddContactValues {
  return { accountId: 'a1', jid: 'romeo@example.org', name: '', groups: [], nick: '', message: '', ...extra };
}

describe('add-contact form', () => {
  it('normalizes the address and leaves out empty optional fields', () => {
    expect(buildAddContactInput(values({ jid: '  Romeo@Example.ORG ', name: '  Romeo ', groups: ['Verona'] }))).toEqual(
      {
        input: { accountId: 'a1', jid: 'romeo@example.org', name: 'Romeo', groups: ['Verona'] },
        errors: null,
      },
    );
    expect(buildAddContactInput(values({ nick: ' Alice ', message: 'Hi' })).input).toMatchObject({
      nick: 'Alice',
      message: 'Hi',
      name: null,
    });
  });

  it('refuses bad addresses with the shared JID rules, field by field', () => {
    expect(buildAddContactInput(values({ jid: 'romeo@@example.org' })).errors).toEqual({
      jid: 'An address can contain only one "@".',
    });
    expect(buildAddContactInput(values({ jid: '' })).errors?.jid).toBe('Enter an address like name@example.org.');
    expect(buildAddContactInput(values({ jid: 'romeo@example.org/phone' })).errors?.jid).toBe(
      'Use an address without "/resource".',
    );
    expect(buildAddContactInput(values({ jid: 'ro meo@example.org' })).errors?.jid).toMatch(/not allowed/);
  });

  it('refuses a too-long nick and an empty group name', () => {
    const checked = buildAddContactInput(values({ nick: 'n'.repeat(300), groups: ['  '] }));
    expect(checked.errors?.nick).toMatch(/Keep the nick under/);
    expect(checked.errors?.groups).toBe('A group needs a name.');
  });

  it('accept and add: name and groups checked, the JID passed as the request has it', () => {
    expect(buildAcceptAddInput('a1', 'romeo@example.org', ' Romeo ', ['Verona'])).toEqual({
      input: { accountId: 'a1', jids: ['romeo@example.org'], action: 'accept-add', name: 'Romeo', groups: ['Verona'] },
      errors: null,
    });
    expect(buildAcceptAddInput('a1', 'romeo@example.org', 'x'.repeat(2000), []).errors?.name).toMatch(/Keep the name/);
  });
});

describe('answering requests', () => {
  function api(answer: (input: CommandInput<'subscription.respond'>) => ReturnType<Transport['invoke']>) {
    const calls: CommandInput<'subscription.respond'>[] = [];
    const transport: Pick<Transport, 'invoke'> = {
      invoke<K extends CommandName>(command: K, input: CommandInput<K>) {
        if (command !== 'subscription.respond') throw new Error(`unexpected ${command}`);
        const typed = input as CommandInput<'subscription.respond'>;
        calls.push(typed);
        return answer(typed) as never;
      },
    };
    return { transport, calls };
  }

  it('sends one call per account, chunked at the bulk limit, and sums up what happened', async () => {
    const jids = Array.from({ length: SUBSCRIPTION_BULK_MAX + 5 }, (_, i) => `s${i}@spam.example`);
    const { transport, calls } = api((input) =>
      Promise.resolve(
        input.accountId === 'a2'
          ? fail('not_connected', 'subscription.notConnected')
          : ok({
              done: input.jids.filter((j) => j !== 's3@spam.example'),
              failed: [
                { jid: 's3@spam.example', error: appError('not_connected', 'subscription.answerNotSent') },
              ].filter((f) => input.jids.includes(f.jid)),
            }),
      ),
    );
    const outcome = await respond(transport, 'deny', [
      ...jids.map((jid) => ['a1', jid] as const),
      ['a2', 'romeo@example.org'] as const,
    ]);
    expect(calls.map((c) => [c.accountId, c.jids.length, c.action])).toEqual([
      ['a1', SUBSCRIPTION_BULK_MAX, 'deny'],
      ['a1', 5, 'deny'],
      ['a2', 1, 'deny'],
    ]);
    expect(outcome.done).toBe(SUBSCRIPTION_BULK_MAX + 4);
    expect([...outcome.failed]).toEqual([
      ['a1|s3@spam.example', 'The connection dropped before the answer was sent.'],
      ['a2|romeo@example.org', 'This account is not connected; connect it to answer or send requests.'],
    ]);
    expect(outcomeText('deny', outcome)).toBe(
      `Denied ${(SUBSCRIPTION_BULK_MAX + 4).toLocaleString('en')} requests. 2 requests could not be denied: This account is not connected; connect it to answer or send requests. The connection dropped before the answer was sent.`,
    );
  });

  it('words a clean result', async () => {
    const { transport } = api((input) => Promise.resolve(ok({ done: input.jids, failed: [] })));
    const outcome = await respond(transport, 'block', [['a1', 'romeo@example.org']]);
    expect(outcomeText('block', outcome)).toBe('Blocked 1 request.');
  });
});

describe('policies in words', () => {
  it('says what happens, and the asked-first rule where it matters', () => {
    expect(policyText({ incoming: 'ask', acceptAsked: true })).toBe('Ask me; always accept people I asked');
    expect(policyText({ incoming: 'ask', acceptAsked: false })).toBe('Ask me');
    expect(policyText({ incoming: 'accept-subscribe', acceptAsked: true })).toBe('Accept and ask back');
    expect(policyText({ incoming: 'deny', acceptAsked: false })).toBe('Deny');
  });
});
