/**
 * The status picker's form as plain data: what it starts from for one account or for all, and the
 * presence.set input it sends (only what the user changed, so changing the text keeps the show).
 */
import type { CommandInput, OwnPresenceView } from '../../../../shared/contract';
import { STATUS_TEXT_MAX } from '../../../../shared/limits';
import type { PresenceShow } from '../../../../shared/presence';
import { DEFAULT_OWN } from '../../lib/presence';
import { combinedOwn } from './describe';
import { t } from '../../i18n';
import { formatNumber } from '../../i18n/format';

export const ALL_ACCOUNTS = 'all';

export interface StatusFormStart {
  /** null when the accounts disagree (nothing is preselected). */
  show: PresenceShow | null;
  status: string;
  /** Only for one account. */
  priority: number | null;
  auto: boolean;
}

export interface StatusFormValues {
  show: PresenceShow | null;
  status: string;
  priority: string | number;
}

/** Where the form starts: the account's own presence, or what all given accounts share. */
export function startValues(
  target: string,
  own: (accountId: string) => OwnPresenceView | undefined,
  accountIds: readonly string[],
): StatusFormStart {
  if (target !== ALL_ACCOUNTS) {
    const current = own(target) ?? DEFAULT_OWN;
    return { show: current.show, status: current.status ?? '', priority: current.priority, auto: current.auto };
  }
  const combined = combinedOwn(accountIds.map(own));
  return {
    show: combined.show === 'mixed' ? null : combined.show,
    status: combined.status ?? '',
    priority: null,
    auto: combined.auto,
  };
}

export type BuildResult =
  | { input: CommandInput<'presence.set'>; changed: boolean; error?: undefined }
  | { error: { field: 'status' | 'priority'; message: string }; input?: undefined };

export function buildPresenceSet(target: string, start: StatusFormStart, values: StatusFormValues): BuildResult {
  const input: CommandInput<'presence.set'> = {};
  if (target !== ALL_ACCOUNTS) input.accountId = target;
  // An idle status is replaced by a chosen one even when it is the same show (it stops being automatic).
  if (values.show !== null && (values.show !== start.show || start.auto)) input.show = values.show;
  const text = values.status.trim();
  if (text.length > STATUS_TEXT_MAX) {
    return {
      error: { field: 'status', message: t('errors.check.statusTooLong', { maximum: formatNumber(STATUS_TEXT_MAX) }) },
    };
  }
  if (text !== start.status.trim()) input.status = text === '' ? null : text;
  if (target !== ALL_ACCOUNTS) {
    // v-model on a number input hands over a number (or '' when empty).
    const raw = String(values.priority).trim();
    const priority = Number(raw);
    if (raw === '' || !Number.isInteger(priority) || priority < -128 || priority > 127) {
      return { error: { field: 'priority', message: t('presence.picker.priorityInvalid') } };
    }
    if (priority !== start.priority) input.priority = priority;
  }
  const changed = input.show !== undefined || input.status !== undefined || input.priority !== undefined;
  return { input, changed };
}
