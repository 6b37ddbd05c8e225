/**
 * Auto-away: after N minutes without keyboard or mouse input the accounts that are available (or
 * free for chat) become away, after M minutes extended away; on the first activity each account the
 * controller changed gets back exactly the show and status it had.
 *
 * Rules:
 * - Only accounts whose chosen show is available or chat are changed. A dnd, away, xa or offline the
 *   user chose is never touched.
 * - An account the user changes while auto-away is the user's again: it is not moved to xa and not
 *   restored. The controller sees this by comparing the account's presence with what it set, and
 *   the messenger also tells it explicitly (`userChanged`) because the user may pick the very same
 *   show and status.
 * - It works on the chosen (own) presence, whether the account is connected or not: presence is
 *   re-sent on every new session, so a reconnect while idle announces away, and restore fixes it.
 * - A locked screen (where the platform reports it) counts as away at once; xa still follows from
 *   the idle time. Locking is a deliberate "I am gone", but not yet "gone for long".
 *
 * Pure: the idle source and the clock are injected, so tests drive it with fakes.
 */
import type { Logger } from '../../log';
import { silentLogger } from '../../log';
import type { Prefs } from '../../../../shared/contract';
import type { PresenceShow } from '../../../../shared/presence';
import { background } from '../../util/background';

export interface IdleSource {
  /** Seconds since the last keyboard or mouse input, system-wide. */
  idleSeconds(): number;
  /** True while the screen is locked, on platforms that tell. */
  isLocked?(): boolean;
  /** Signals worth a poll at once (lock, unlock, resume, user became active). Returns the undo. */
  onChange?(listener: () => void): () => void;
}

export interface IdleClock {
  now(): number;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemClock: IdleClock = {
  now: () => Date.now(),
  setInterval: (callback, ms) => {
    const handle = setInterval(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface IdleSettings {
  enabled: boolean;
  /** Minutes of idle before away. */
  awayAfterMin: number;
  /** Minutes of idle before extended away; null: never. */
  xaAfterMin: number | null;
  /** A locked screen means away at once. */
  awayOnLock: boolean;
  /** Status text while auto-away; null keeps each account's own text. */
  idleStatus: string | null;
}

export const DEFAULT_IDLE_SETTINGS: IdleSettings = {
  enabled: true,
  awayAfterMin: 5,
  xaAfterMin: 20,
  awayOnLock: true,
  idleStatus: null,
};

export interface IdlePresence {
  show: PresenceShow;
  status: string | null;
}

export interface IdleChangeMeta {
  /** Always true: the change comes from the idle controller, not from the user. */
  auto: true;
  /** Epoch ms of the last user input while going idle (for XEP-0319), null when restoring. */
  idleSince: number | null;
}

/** The accounts' own presence, as the controller sees and changes it (the messenger implements it). */
export interface IdleAccounts {
  /** The accounts to consider (enabled ones). */
  accountIds(): string[];
  /** The account's chosen show and status, or undefined when the account is gone. */
  own(accountId: string): IdlePresence | undefined;
  /** Sets show and status (keeping the priority). Must not be reported back through `userChanged`. */
  setOwn(accountId: string, presence: IdlePresence, meta: IdleChangeMeta): Promise<unknown> | void;
}

export type IdleLevel = 'active' | 'away' | 'xa';

const LEVEL_RANK: Record<IdleLevel, number> = { active: 0, away: 1, xa: 2 };

/** What the messenger is given to detect idle (the shell's idle source, a fake in tests). */
export interface IdleOptions {
  source: IdleSource;
  clock?: IdleClock;
  pollSeconds?: number;
  idlePollSeconds?: number;
}

/** The idle settings the preferences hold. */
export function idleSettingsOf(prefs: Prefs): Partial<IdleSettings> {
  return { enabled: prefs.idleEnabled, awayAfterMin: prefs.idleAwayMinutes, xaAfterMin: prefs.idleXaMinutes };
}

export interface IdleControllerOptions {
  source: IdleSource;
  accounts: IdleAccounts;
  settings?: Partial<IdleSettings>;
  clock?: IdleClock;
  /** How often to ask the source while the user is active. */
  pollSeconds?: number;
  /** How often while auto-away, so coming back is noticed quickly (asking the OS is cheap). */
  idlePollSeconds?: number;
  log?: Logger;
}

interface Changed {
  /** What the account had before the controller first changed it. */
  previous: IdlePresence;
  /** What the controller last set. */
  applied: IdlePresence;
}

function samePresence(a: IdlePresence, b: IdlePresence): boolean {
  return a.show === b.show && a.status === b.status;
}

function positiveOr(value: number | null | undefined, fallback: number | null): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function normalize(settings: IdleSettings): IdleSettings {
  return {
    enabled: settings.enabled === true,
    awayAfterMin: positiveOr(settings.awayAfterMin, DEFAULT_IDLE_SETTINGS.awayAfterMin)!,
    xaAfterMin: positiveOr(settings.xaAfterMin, null),
    awayOnLock: settings.awayOnLock === true,
    idleStatus: typeof settings.idleStatus === 'string' ? settings.idleStatus : null,
  };
}

export class IdleController {
  private settings: IdleSettings;
  private readonly clock: IdleClock;
  private readonly log: Logger;
  private readonly activeMs: number;
  private readonly idleMs: number;
  private readonly changed = new Map<string, Changed>();
  private currentLevel: IdleLevel = 'active';
  private idleSince: number | null = null;
  private started = false;
  private timer: unknown = null;
  private timerMs = 0;
  private unsubscribe: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private rerun = false;

  constructor(private readonly options: IdleControllerOptions) {
    this.settings = normalize({ ...DEFAULT_IDLE_SETTINGS, ...options.settings });
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger;
    this.activeMs = (positiveOr(options.pollSeconds, 15) as number) * 1000;
    this.idleMs = (positiveOr(options.idlePollSeconds, 3) as number) * 1000;
  }

  get level(): IdleLevel {
    return this.currentLevel;
  }

  /** The accounts currently auto-away (changed by the controller and not taken over by the user). */
  get autoAccounts(): string[] {
    return [...this.changed.keys()];
  }

  getSettings(): IdleSettings {
    return { ...this.settings };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.options.source.onChange?.(() => background(this.poll(), this.log, 'idle check')) ?? null;
    this.schedule();
    background(this.poll(), this.log, 'idle check');
  }

  /** Stops polling. Does not restore: on quit the accounts go offline anyway. */
  stop(): void {
    this.started = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.schedule();
  }

  /** Changes the settings; disabling restores the accounts at once. */
  configure(change: Partial<IdleSettings>): Promise<void> {
    this.settings = normalize({ ...this.settings, ...change });
    this.schedule();
    return this.poll();
  }

  /** The user set this account's presence: it is theirs again, never restored over. */
  userChanged(accountId: string): void {
    this.changed.delete(accountId);
  }

  /** Resolves when no poll is running (tests use it after advancing a fake clock). */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Asks the source now and acts. Polls never overlap: one asked for meanwhile runs afterwards. */
  poll(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.rerun = false;
        try {
          await this.step();
        } catch (error) {
          this.log.warn('idle check failed', { error });
        }
      } while (this.rerun);
    })().finally(() => {
      this.running = null;
      this.schedule();
    });
    return this.running;
  }

  private targetLevel(): { level: IdleLevel; idleSeconds: number } {
    if (!this.settings.enabled) return { level: 'active', idleSeconds: 0 };
    const raw = this.options.source.idleSeconds();
    const idleSeconds = Number.isFinite(raw) && raw > 0 ? raw : 0;
    const { awayAfterMin, xaAfterMin, awayOnLock } = this.settings;
    if (xaAfterMin !== null && idleSeconds >= xaAfterMin * 60) return { level: 'xa', idleSeconds };
    if (idleSeconds >= awayAfterMin * 60) return { level: 'away', idleSeconds };
    if (awayOnLock && this.options.source.isLocked?.() === true) return { level: 'away', idleSeconds };
    return { level: 'active', idleSeconds };
  }

  private async step(): Promise<void> {
    const { level, idleSeconds } = this.targetLevel();
    if (level === 'active') {
      if (this.currentLevel !== 'active' || this.changed.size > 0) await this.restore();
    } else if (LEVEL_RANK[level] > LEVEL_RANK[this.currentLevel]) {
      if (this.currentLevel === 'active') this.idleSince = this.clock.now() - Math.round(idleSeconds * 1000);
      await this.apply(level);
    }
  }

  private async apply(level: 'away' | 'xa'): Promise<void> {
    this.currentLevel = level;
    const { accounts } = this.options;
    for (const id of accounts.accountIds()) {
      const current = accounts.own(id);
      if (!current) continue;
      const entry = this.changed.get(id);
      if (entry) {
        // Changed by the user since we set it: theirs now.
        if (!samePresence(current, entry.applied)) {
          this.changed.delete(id);
          continue;
        }
      } else if (current.show !== 'available' && current.show !== 'chat') {
        continue;
      }
      const previous = entry?.previous ?? { show: current.show, status: current.status };
      const next: IdlePresence = { show: level, status: this.settings.idleStatus ?? previous.status };
      const record: Changed = { previous, applied: next };
      // Recorded before the call, so a userChanged() arriving meanwhile wins.
      this.changed.set(id, record);
      try {
        await accounts.setOwn(id, next, { auto: true, idleSince: this.idleSince });
      } catch (error) {
        if (this.changed.get(id) === record) {
          if (entry) this.changed.set(id, entry);
          else this.changed.delete(id);
        }
        this.log.warn('could not set auto-away', { accountId: id, error });
      }
    }
  }

  private async restore(): Promise<void> {
    const entries = [...this.changed];
    this.changed.clear();
    this.currentLevel = 'active';
    this.idleSince = null;
    const { accounts } = this.options;
    for (const [id, entry] of entries) {
      const current = accounts.own(id);
      if (!current || !samePresence(current, entry.applied)) continue;
      try {
        await accounts.setOwn(id, entry.previous, { auto: true, idleSince: null });
      } catch (error) {
        this.log.warn('could not restore the status after idle', { accountId: id, error });
      }
    }
  }

  /** Keeps one interval at the pace the current level wants; none while stopped or disabled. */
  private schedule(): void {
    const wanted =
      this.started && this.settings.enabled ? (this.currentLevel === 'active' ? this.activeMs : this.idleMs) : 0;
    if (wanted === this.timerMs) return;
    if (this.timer !== null) this.clock.clearInterval(this.timer);
    this.timer = null;
    this.timerMs = wanted;
    if (wanted > 0) this.timer = this.clock.setInterval(() => background(this.poll(), this.log, 'idle check'), wanted);
  }
}
