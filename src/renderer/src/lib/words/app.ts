/**
 * The app itself in words: its notices (the core sends codes, AppNoticeView), and the errors of the
 * app, its store and its commands (app.*, store.*).
 */
import type { AppNoticeView } from '../../../../shared/contract';
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';
import { t } from '../../i18n';

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

export function appErrorText(error: AppErrorOf<DomainReason<'app'> | DomainReason<'store'>>): string {
  switch (error.reason) {
    case 'app.unknownCommand':
      return t('errors.app.unknownCommand');
    case 'app.unexpected':
      return t('errors.app.unexpected');
    case 'app.ipcFailed':
      return t('errors.app.ipcFailed');
    case 'app.bridgeFailed':
      return t('errors.app.bridgeFailed');
    case 'app.untrustedSender':
      return t('errors.app.untrustedSender');
    case 'app.linkLost':
      return t('errors.app.linkLost');
    case 'app.linkDown':
      return t('errors.app.linkDown');
    case 'app.closing':
      return t('errors.app.closing');
    case 'app.noticeGone':
      return t('errors.app.noticeGone');
    // A store write refused where the user acted: what happened and what to do.
    case 'store.writeFailed':
      return t(`errors.store.writeFailed.${error.params.failure}`);
  }
}
