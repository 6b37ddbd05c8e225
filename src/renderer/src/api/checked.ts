/**
 * Checks every command's input with the contract's schema before it is sent, as the core will: a
 * refused input never leaves the renderer, and its issues keep the schema's own words (the core's
 * refusal carries codes only). The contract (zod and every schema, the largest chunk) is loaded
 * with the first command that carries fields, so the first snapshot is never held up by it.
 */
import type { Transport } from './types';

type Contract = typeof import('../../../shared/contract');

export function checkedTransport(transport: Transport): Transport {
  let contract: Promise<Contract> | null = null;
  return {
    ...transport,
    async invoke(command, input) {
      // Nothing in an empty input can be refused in words; the core checks it as always.
      if (isEmpty(input)) return transport.invoke(command, input);
      const { commands, inputIssue } = await (contract ??= import('../../../shared/contract'));
      const parsed = commands[command].input.safeParse(input);
      if (parsed.success) return transport.invoke(command, input);
      const issues = parsed.error.issues.map((issue) => inputIssue(issue, true));
      return { ok: false, error: { code: 'invalid_input', reason: 'input.invalid', params: { issues } } };
    },
  };
}

function isEmpty(input: unknown): boolean {
  if (input === undefined) return true;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
  for (const key in input) if (Object.hasOwn(input, key)) return false;
  return Object.getPrototypeOf(input) === Object.prototype;
}
