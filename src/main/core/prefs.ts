/**
 * UI preferences kept across restarts (roster sort, collapsed groups, …): one JSON value in the
 * settings table, merged field by field, announced with a prefs.changed event.
 */
import { DEFAULT_PREFS, type Prefs } from '../../shared/contract';
import type { EventBus } from './events';
import type { SettingsRepository } from './store/settings-repo';

const KEY = 'prefs';

export class PrefsService {
  private current: Prefs;

  constructor(
    private readonly settings: SettingsRepository,
    private readonly bus: EventBus,
  ) {
    // Unknown or missing fields from an older build fall back to the defaults.
    this.current = { ...DEFAULT_PREFS, ...settings.get<Partial<Prefs>>(KEY, {}) };
  }

  get(): Prefs {
    return this.current;
  }

  update(change: Partial<Prefs>): Prefs {
    this.current = { ...this.current, ...change };
    this.settings.set(KEY, this.current);
    this.bus.emit({ type: 'prefs.changed', prefs: this.current });
    return this.current;
  }
}
