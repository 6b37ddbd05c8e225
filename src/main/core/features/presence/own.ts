/**
 * Our own presence per account: what the user chose (stored, and sent again on every new session)
 * and, on top of it, an override from idle detection (auto-away or xa: never stored, shown as
 * `auto: true`, dropped when the user chooses or comes back). Also the status texts the user typed
 * last, for the status picker.
 */
import type { OwnPresenceView } from '../../../../shared/contract';
import type { PresenceRepository } from '../../store/presence-repo';
import type { SettingsRepository } from '../../store/settings-repo';
import { DEFAULT_OWN_PRESENCE, type OwnPresence } from './service';

export const RECENT_STATUSES_KEY = 'recentStatuses';
export const RECENT_STATUSES_MAX = 10;

interface OwnState {
  /** What the user chose (stored). */
  user: OwnPresence;
  /** Set by idle detection on top of the user's choice (not stored). */
  auto: OwnPresence | null;
}

export class OwnPresences {
  private readonly own = new Map<string, OwnState>();
  private recent: string[];

  constructor(
    private readonly repo: PresenceRepository,
    private readonly settings: SettingsRepository,
  ) {
    for (const [accountId, stored] of repo.loadOwn()) this.own.set(accountId, { user: stored, auto: null });
    const recent = settings.get<unknown>(RECENT_STATUSES_KEY, []);
    this.recent = Array.isArray(recent) ? recent.filter((s): s is string => typeof s === 'string') : [];
  }

  /** What goes out now: the idle override, else the user's choice. */
  effective(accountId: string): OwnPresence {
    const state = this.state(accountId);
    return state.auto ?? state.user;
  }

  view(accountId: string): OwnPresenceView {
    const state = this.state(accountId);
    const current = state.auto ?? state.user;
    return { show: current.show, status: current.status, priority: current.priority, auto: state.auto !== null };
  }

  recentStatuses(): string[] {
    return [...this.recent];
  }

  /** The user chose (omitted fields keep their value, '' clears the status): stored, and the override dropped. */
  choose(accountId: string, input: { show?: OwnPresence['show']; status?: string | null; priority?: number }): void {
    const state = this.state(accountId);
    const user: OwnPresence = {
      show: input.show ?? state.user.show,
      status: input.status === undefined ? state.user.status : input.status === '' ? null : input.status,
      priority: input.priority ?? state.user.priority,
    };
    state.user = user;
    state.auto = null;
    this.repo.saveOwn(accountId, user);
  }

  /** A status text the user typed goes first in the recent list (stored). */
  remember(status: string): void {
    this.recent = [status, ...this.recent.filter((s) => s !== status)].slice(0, RECENT_STATUSES_MAX);
    this.settings.set(RECENT_STATUSES_KEY, this.recent);
  }

  /** Going idle sets an override (with the user's priority); coming back (null) drops it. */
  setAuto(accountId: string, presence: Pick<OwnPresence, 'show' | 'status'> | null): void {
    const state = this.state(accountId);
    state.auto = presence === null ? null : { ...presence, priority: state.user.priority };
  }

  forget(accountId: string): void {
    this.own.delete(accountId);
  }

  private state(accountId: string): OwnState {
    let state = this.own.get(accountId);
    if (!state) {
      state = { user: { ...DEFAULT_OWN_PRESENCE }, auto: null };
      this.own.set(accountId, state);
    }
    return state;
  }
}
