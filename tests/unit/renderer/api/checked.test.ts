/**
 * The renderer checks a command's input with the contract's schema before sending it: a refused
 * input never reaches the core, and its field errors are the schema's own words (the core's refusal
 * carries codes only).
 */
import { describe, expect, it } from 'vitest';
import { checkedTransport } from '../../../../src/renderer/src/api/checked';
import type { Transport } from '../../../../src/renderer/src/api/types';
import { errorFields, errorText } from '../../../../src/renderer/src/lib/words/errors';
import { ok } from '../../../../src/shared/result';

function recording() {
  const sent: string[] = [];
  const inner: Transport = {
    invoke: async (command) => {
      sent.push(command);
      return ok(null) as never;
    },
    onEvents: () => () => {},
    onLink: () => () => {},
  };
  return { sent, transport: checkedTransport(inner) };
}

describe('checked transport', () => {
  it('refuses invalid input itself, in the words of the schema', async () => {
    const { sent, transport } = recording();
    const result = await transport.invoke('muc.join', { accountId: 'a1', room: 'no room here', nick: ' ' });
    expect(sent).toEqual([]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'invalid_input', reason: 'input.invalid' });
    expect(errorFields(result.error)).toMatchObject({ nick: 'Choose a nickname.' });
    expect(errorText(result.error)).toMatch(/^room: /);
  });

  it('sends valid input on unchanged', async () => {
    const { sent, transport } = recording();
    const input = { accountId: 'a1', room: 'tea@conference.example.org', nick: 'me' };
    expect(await transport.invoke('muc.join', input)).toEqual({ ok: true, value: null });
    expect(sent).toEqual(['muc.join']);
  });

  it('sends a command without fields at once, without waiting for the contract to load', () => {
    const { sent, transport } = recording();
    void transport.invoke('app.snapshot', {});
    // Synchronously: the first snapshot is not held up by loading every schema.
    expect(sent).toEqual(['app.snapshot']);
  });

  it('still refuses fields the command does not take', async () => {
    const { sent, transport } = recording();
    const result = await transport.invoke('app.snapshot', { extra: true } as never);
    expect(sent).toEqual([]);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
