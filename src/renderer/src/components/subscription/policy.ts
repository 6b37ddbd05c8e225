/** Subscription policies in words (the policy dialog and the account overview). */
import type { SubscriptionPolicy, SubscriptionPolicyView } from '../../../../shared/contract';

export const POLICY_CHOICES: readonly { value: SubscriptionPolicy; label: string; note: string }[] = [
  { value: 'ask', label: 'Ask me', note: 'The request waits in Contact requests until you answer it.' },
  { value: 'accept', label: 'Accept', note: 'They see your status at once; you don’t ask to see theirs.' },
  {
    value: 'accept-subscribe',
    label: 'Accept and ask back',
    note: 'They see your status, and you ask to see theirs.',
  },
  { value: 'deny', label: 'Deny', note: 'Every request is refused without asking you.' },
];

/** "Ask me; always accept people I asked". */
export function policyText(policy: Pick<SubscriptionPolicyView, 'incoming' | 'acceptAsked'>): string {
  const label = POLICY_CHOICES.find((choice) => choice.value === policy.incoming)?.label ?? policy.incoming;
  return policy.acceptAsked && policy.incoming !== 'accept' && policy.incoming !== 'accept-subscribe'
    ? `${label}; always accept people I asked`
    : label;
}
