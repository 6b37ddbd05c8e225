/**
 * Answering requests from the inbox: one respond call per account (chunked at the contract's bulk
 * limit), and what happened in words for the place the action was taken.
 */
import type { SubscriptionRespondResult } from '../../../../shared/contract';
import { SUBSCRIPTION_BULK_MAX } from '../../../../shared/limits';
import type { Transport } from '../../api/types';
import { entryKey } from '../../lib/roster-model';
import { errorText } from '../../lib/words/errors';
import { t } from '../../i18n';

export type RespondAction = 'accept' | 'deny' | 'block';

export interface RespondOutcome {
  done: number;
  /** Per request key (entryKey): why it failed. */
  failed: Map<string, string>;
  /** A failure of a whole call (nothing in it was answered). */
  errors: string[];
}

/** Sends the answers: `targets` are [accountId, jid] pairs, in any order. */
export async function respond(
  api: Pick<Transport, 'invoke'>,
  action: RespondAction,
  targets: readonly (readonly [string, string])[],
): Promise<RespondOutcome> {
  const byAccount = new Map<string, string[]>();
  for (const [accountId, jid] of targets) {
    const list = byAccount.get(accountId);
    if (list) list.push(jid);
    else byAccount.set(accountId, [jid]);
  }
  const outcome: RespondOutcome = { done: 0, failed: new Map(), errors: [] };
  for (const [accountId, jids] of byAccount) {
    for (let at = 0; at < jids.length; at += SUBSCRIPTION_BULK_MAX) {
      const chunk = jids.slice(at, at + SUBSCRIPTION_BULK_MAX);
      const result = await api.invoke('subscription.respond', { accountId, jids: chunk, action });
      if (!result.ok) {
        const message = errorText(result.error);
        outcome.errors.push(message);
        for (const jid of chunk) outcome.failed.set(entryKey(accountId, jid), message);
        continue;
      }
      const value: SubscriptionRespondResult = result.value;
      outcome.done += value.done.length;
      for (const failure of value.failed)
        outcome.failed.set(entryKey(accountId, failure.jid), errorText(failure.error));
    }
  }
  return outcome;
}

/** "Denied 3 requests." / "Denied 1 request. 2 requests could not be denied: not connected." */
export function outcomeText(action: RespondAction, outcome: RespondOutcome): string {
  const parts: string[] = [];
  if (outcome.done > 0) parts.push(t(`subscriptions.outcome.${action}.done`, outcome.done));
  if (outcome.failed.size > 0) {
    const reasons = [...new Set([...outcome.errors, ...outcome.failed.values()])].slice(0, 3);
    parts.push(t(`subscriptions.outcome.${action}.failed`, outcome.failed.size, { reasons: reasons.join(' ') }));
  }
  return parts.join(' ') || t(`subscriptions.outcome.${action}.nothing`);
}

/** One request's answer failed: "Not denied: …". */
export function notDoneText(action: RespondAction, error: string): string {
  return t(`subscriptions.outcome.${action}.notDone`, { error });
}
