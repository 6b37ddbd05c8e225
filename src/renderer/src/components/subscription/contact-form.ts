/**
 * The add-contact and accept-and-add forms: what the user typed, checked with the contract's own zod
 * schemas (the JID with shared/jid.ts rules), so the dialog shows the field errors the core would.
 */
import { commands, type CommandInput } from '../../../../shared/contract';
import { issuesToErrors, type Checked } from '../../lib/form-check';

export interface AddContactValues {
  accountId: string;
  jid: string;
  name: string;
  groups: string[];
  nick: string;
  message: string;
}

/** The subscription.add input, normalized (the JID as the core will store it), or the field errors. */
export function buildAddContactInput(values: AddContactValues): Checked<CommandInput<'subscription.add'>> {
  const candidate: CommandInput<'subscription.add'> = {
    accountId: values.accountId,
    jid: values.jid.trim(),
    name: values.name.trim() || null,
    groups: values.groups,
  };
  if (values.nick.trim()) candidate.nick = values.nick.trim();
  if (values.message.trim()) candidate.message = values.message.trim();
  const parsed = commands['subscription.add'].input.safeParse(candidate);
  if (!parsed.success) return { input: null, errors: issuesToErrors(parsed.error.issues) };
  return { input: { ...candidate, jid: parsed.data.jid }, errors: null };
}

/** The subscription.respond input for "Accept and add", or the field errors. */
export function buildAcceptAddInput(
  accountId: string,
  jid: string,
  name: string,
  groups: string[],
): Checked<CommandInput<'subscription.respond'>> {
  const candidate: CommandInput<'subscription.respond'> = {
    accountId,
    jids: [jid],
    action: 'accept-add',
    name: name.trim() || null,
    groups,
  };
  const parsed = commands['subscription.respond'].input.safeParse(candidate);
  return parsed.success
    ? { input: candidate, errors: null }
    : { input: null, errors: issuesToErrors(parsed.error.issues) };
}
