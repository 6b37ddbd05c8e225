/**
 * Replies, reactions and retractions in words: the refused moderation (replies.*) and who reacted.
 */
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';
import type { ReactionView } from '../../../../shared/contract';
import { t } from '../../i18n';
import type { OwnWords } from './reason';
import { formatList, formatNumber } from '../../i18n/format';

/** Reply errors whose catalog sentence needs more: the room's condition, when it gave one (replies.*). */
export const REPLIES_WORDS = {
  'replies.moderationRefused': (error) =>
    error.params.condition
      ? t('errors.replies.moderationRefusedWhy', { condition: error.params.condition })
      : t('errors.replies.moderationRefused'),
} satisfies OwnWords<AppErrorOf<DomainReason<'replies'>>>;

/** Who reacted with an emoji: "you, Bob and 3 more". `nameOf` turns a JID or nick into a shown name. */
export function reactorsText(reaction: ReactionView, nameOf: (who: string) => string): string {
  const names = reaction.by.map(nameOf);
  if (reaction.mine) names.unshift(t('replies.reactions.you'));
  const shown = reaction.mine ? reaction.by.length + 1 : reaction.by.length;
  const others = reaction.count - shown;
  if (others > 0) names.push(t('replies.reactions.more', { count: formatNumber(others) }));
  return formatList(names);
}
