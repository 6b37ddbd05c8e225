/**
 * App notices: what the user must know about the app itself (the store was repaired, data could not
 * be saved), as codes the renderer words. One notice per code, kept until the user dismisses it; the
 * repair notice is also kept in settings, so a start that nobody watched does not lose it.
 */
import type { AppNoticeView } from '../../shared/contract';
import type { EventBus } from './events';
import type { Logger } from './log';
import type { SettingsRepository } from './store/settings-repo';

type NoticeInput = AppNoticeView extends infer N ? (N extends AppNoticeView ? Omit<N, 'id' | 'at'> : never) : never;

const SETTINGS_KEY = 'app.notices';
/** Codes worth keeping across a restart. */
const PERSISTED: ReadonlySet<AppNoticeView['code']> = new Set(['store.recovered']);

export class AppNotices {
  private readonly notices = new Map<string, AppNoticeView>();

  constructor(
    private readonly bus: EventBus,
    private readonly settings: SettingsRepository,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    for (const notice of this.read()) this.notices.set(notice.id, notice);
  }

  list(): AppNoticeView[] {
    return [...this.notices.values()];
  }

  has(code: AppNoticeView['code']): boolean {
    return this.notices.has(code);
  }

  /** Shows a notice (replacing the one with the same code). */
  show(input: NoticeInput): void {
    const notice = { ...input, id: input.code, at: this.now() } as AppNoticeView;
    this.notices.delete(notice.id);
    this.notices.set(notice.id, notice);
    this.bus.emit({ type: 'app.notice', notice });
    if (PERSISTED.has(notice.code)) this.save();
  }

  /** Removes a notice (the user dismissed it, or what it said is over). False when there was none. */
  dismiss(id: string): boolean {
    const notice = this.notices.get(id);
    if (!notice) return false;
    this.notices.delete(id);
    this.bus.emit({ type: 'app.noticeRemoved', id });
    if (PERSISTED.has(notice.code)) this.save();
    return true;
  }

  private read(): AppNoticeView[] {
    const stored = this.settings.get<unknown>(SETTINGS_KEY, []);
    if (!Array.isArray(stored)) return [];
    return stored.filter(
      (notice): notice is AppNoticeView =>
        typeof notice === 'object' &&
        notice !== null &&
        PERSISTED.has((notice as AppNoticeView).code) &&
        typeof (notice as AppNoticeView).id === 'string' &&
        typeof (notice as AppNoticeView).at === 'number',
    );
  }

  private save(): void {
    try {
      this.settings.set(
        SETTINGS_KEY,
        this.list().filter((notice) => PERSISTED.has(notice.code)),
      );
    } catch (error) {
      // Shown for this run anyway; the store may be what is failing.
      this.log.warn('app notices could not be saved', { error });
    }
  }
}
