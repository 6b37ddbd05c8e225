/** Subscription policies in words (the policy dialog and the account overview). */
import type { SubscriptionPolicy, SubscriptionPolicyView } from '../../../../shared/contract';
import { t } from '../../i18n';

/** The policies in the order the dialog offers them. */
export const POLICIES: readonly SubscriptionPolicy[] = ['ask', 'accept', 'accept-subscribe', 'deny'];

export function policyLabel(policy: SubscriptionPolicy): string {
  return t(`subscriptions.policy.${policy}`);
}

export function policyNote(policy: SubscriptionPolicy): string {
  return t(`subscriptions.policy.${policy}Note`);
}

/** "Ask me; always accept people I asked". */
export function policyText(policy: Pick<SubscriptionPolicyView, 'incoming' | 'acceptAsked'>): string {
  const label = POLICIES.includes(policy.incoming) ? policyLabel(policy.incoming) : policy.incoming;
  return policy.acceptAsked && policy.incoming !== 'accept' && policy.incoming !== 'accept-subscribe'
    ? t('subscriptions.policy.withAsked', { policy: label })
    : label;
}
