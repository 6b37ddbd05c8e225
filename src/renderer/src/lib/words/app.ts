/**
 * The app itself in words: its notices (the core sends codes, AppNoticeView), and the errors of the
 * app, its store and its commands (app.*, store.*) that need more than their catalog sentence.
 */
import type { AppNoticeView } from '../../../../shared/contract';
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';
import { t } from '../../i18n';
import type { OwnWords } from './reason';

export function noticeText(notice: AppNoticeView): { title: string; detail: string } {
  switch (notice.code) {
    case 'store.recovered': {
      const kept =
        notice.accountsKept === 0
          ? t('notices.storeRecovered.keptNone')
          : t('notices.storeRecovered.kept', notice.accountsKept);
      return {
        title: t('notices.storeRecovered.title'),
        detail: t('notices.storeRecovered.detail', { kept, file: notice.keptAs }),
      };
    }
    case 'store.damaged':
      return { title: t('notices.storeDamaged.title'), detail: t('notices.storeDamaged.detail') };
    case 'store.writeFailed':
      return {
        title: t(`notices.writeFailed.title.${notice.reason}`),
        detail: t('notices.writeFailed.detail'),
      };
    case 'encryption.newKey':
      return {
        title: t('omemoFiles.notice.newKeyTitle'),
        detail: t('omemoFiles.notice.newKeyDetail', {
          account: notice.jid,
          id: String(notice.deviceId),
          old: String(notice.oldDeviceId),
        }),
      };
  }
}

/** The app's and its store's errors, where the catalog's sentence needs more (app.*, store.*). */
export const APP_WORDS = {
  // A store write refused where the user acted: what happened and what to do.
  'store.writeFailed': (error) => t(`errors.store.writeFailed.${error.params.failure}`),
} satisfies OwnWords<AppErrorOf<DomainReason<'app'> | DomainReason<'store'>>>;
