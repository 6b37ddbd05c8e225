/**
 * Work the roster's first paint does that does not depend on the snapshot, done in idle slices
 * while the snapshot is on its way: the number formatters (a first Intl.NumberFormat loads the
 * locale's data, tens of milliseconds) and the roster's and presence's messages (vue-i18n compiles
 * a message on its first use and caches it by its text). Each slice stops at the idle deadline, and
 * the whole warm-up stops as soon as `stop()` says the snapshot is in, so it never delays the paint.
 */
import { isCompiledMessage } from './catalogs';
import { i18n, t, type MessageKey } from './index';
import { formatNumber } from './format';

/** The domains whose words the first roster paint shows, in the order they are warmed. */
const DOMAINS = ['roster', 'presence'] as const;

/** Every message key under a domain of the current locale's catalog, dotted. */
export function messageKeys(domain: string): MessageKey[] {
  const messages = i18n.global.getLocaleMessage(i18n.global.locale.value) as Record<string, unknown>;
  const keys: string[] = [];
  const walk = (node: unknown, prefix: string) => {
    if (typeof node === 'string' || isCompiledMessage(node)) keys.push(prefix);
    else if (node && typeof node === 'object')
      for (const [name, child] of Object.entries(node)) walk(child, `${prefix}.${name}`);
  };
  walk(messages[domain], domain);
  return keys as MessageKey[];
}

interface IdleDeadlineLike {
  timeRemaining(): number;
}
type IdleScheduler = (work: (deadline: IdleDeadlineLike) => void) => void;

const defaultScheduler: IdleScheduler = (work) => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(work, { timeout: 1000 });
  else setTimeout(() => work({ timeRemaining: () => 5 }));
};

/** Starts the warm-up; returns at once. `stop()` is asked before each step. */
export function warmUpWhileWaiting(stop: () => boolean, schedule: IdleScheduler = defaultScheduler): void {
  const steps: (() => void)[] = [
    () => formatNumber(0),
    () => t('roster.row.devices', 2),
    ...DOMAINS.flatMap((domain) => messageKeys(domain).map((key) => () => void t(key))),
  ];
  let next = 0;
  const slice = (deadline: IdleDeadlineLike) => {
    while (next < steps.length && !stop()) {
      steps[next++]();
      if (deadline.timeRemaining() < 2) break;
    }
    if (next < steps.length && !stop()) schedule(slice);
  };
  schedule(slice);
}
