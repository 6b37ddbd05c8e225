/**
 * Every command goes straight to the core, which checks its input with the contract's schema (as it
 * always did) and refuses an invalid one with codes only: each issue's path, zod's code and
 * parameters, and the schema's own check code ('check.nickEmpty'). The renderer words them in the
 * user's language (lib/words/input.ts), so it needs no schema here: checking in the renderer loaded
 * zod and every schema (the largest chunk, 35–74 ms of evaluation) with the first command that had
 * fields, which fell inside the roster's scroll (issue 17). Dialogs that check a form as it is typed
 * import their command's schema themselves.
 */
import type { Transport } from './types';

/** The transport as it is: kept as boot.ts's seam (a later change can drop the wrapper there). */
export function checkedTransport(transport: Transport): Transport {
  return transport;
}
