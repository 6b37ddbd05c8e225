/**
 * Checks every command's input with the contract's schema before it is sent, as the core will: a
 * refused input never leaves the renderer, and its issues keep the schema's own words (the core's
 * refusal carries codes only). The contract is loaded with the first command, not with the page.
 */
import type { Transport } from './types';

export function checkedTransport(transport: Transport): Transport {
  const contract = import('../../../shared/contract');
  return {
    ...transport,
    async invoke(command, input) {
      const { commands, inputIssue } = await contract;
      const parsed = commands[command].input.safeParse(input);
      if (parsed.success) return transport.invoke(command, input);
      const issues = parsed.error.issues.map((issue) => inputIssue(issue, true));
      return { ok: false, error: { code: 'invalid_input', reason: 'input.invalid', params: { issues } } };
    },
  };
}
