/**
 * Replies, reactions and retractions in words: the core's reasons (replies.*) and who reacted.
 */
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';
import type { ReactionView } from '../../../../shared/contract';
import { t } from '../../i18n';
import { formatList, formatNumber } from '../../i18n/format';

export function repliesErrorText(error: AppErrorOf<DomainReason<'replies'>>): string {
  switch (error.reason) {
    case 'replies.offline':
      return t('replies.errors.offline');
    case 'replies.notSent':
      return t('replies.errors.notSent');
    case 'replies.noReference':
      return t('replies.errors.noReference');
    case 'replies.notOwn':
      return t('replies.errors.notOwn');
    case 'replies.notModerator':
      return t('replies.errors.notModerator');
    case 'replies.moderationRefused':
      return error.params.condition
        ? t('replies.errors.moderationRefusedWhy', { condition: error.params.condition })
        : t('replies.errors.moderationRefused');
  }
}

/** Who reacted with an emoji: "you, Bob and 3 more". `nameOf` turns a JID or nick into a shown name. */
export function reactorsText(reaction: ReactionView, nameOf: (who: string) => string): string {
  const names = reaction.by.map(nameOf);
  if (reaction.mine) names.unshift(t('replies.reactions.you'));
  const shown = reaction.mine ? reaction.by.length + 1 : reaction.by.length;
  const others = reaction.count - shown;
  if (others > 0) names.push(t('replies.reactions.more', { count: formatNumber(others) }));
  return formatList(names);
}
