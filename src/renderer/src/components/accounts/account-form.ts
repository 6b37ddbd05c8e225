/**
 * The add/edit account form: turns what the user typed into a command input, checked with the
 * contract's own zod schemas so the dialog shows the same field errors the core would return.
 */
import { commands, type AccountView, type CommandInput } from '../../../../shared/contract';
import { t } from '../../i18n';
import { issuesToErrors, type Checked, type FieldErrors } from '../../lib/form-check';

export interface AccountFormValues {
  jid: string;
  password: string;
  host: string;
  /** As typed; converted to a number here. */
  port: string;
  label: string;
  color: string;
  rememberPassword: boolean;
}

/** The port is typed as text: a non-number never reaches the schema, so it is worded here. */
function portErrors(port: number | null | 'invalid'): FieldErrors {
  return port === 'invalid' ? { port: t('accounts.dialog.portInvalid') } : {};
}

function parsePort(text: string): number | null | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^\d{1,5}$/.test(trimmed) ? Number(trimmed) : 'invalid';
}

function check<T>(
  schema: {
    safeParse(value: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  candidate: T,
  extra: FieldErrors,
): Checked<T> {
  const parsed = schema.safeParse(candidate);
  const errors = { ...(parsed.success ? {} : issuesToErrors(parsed.error?.issues ?? [])), ...extra };
  return Object.keys(errors).length > 0 ? { input: null, errors } : { input: candidate, errors: null };
}

export function buildAddInput(values: AccountFormValues): Checked<CommandInput<'account.add'>> {
  const port = parsePort(values.port);
  const candidate: CommandInput<'account.add'> = {
    jid: values.jid.trim(),
    password: values.password,
    host: values.host.trim() || null,
    port: port === 'invalid' ? null : port,
    color: values.color,
    rememberPassword: values.rememberPassword,
  };
  if (values.label.trim()) candidate.label = values.label.trim();
  return check(commands['account.add'].input, candidate, portErrors(port));
}

/** Sends what changed; the password only when a new one was typed (it is write-only). */
export function buildUpdateInput(
  account: AccountView,
  values: AccountFormValues,
  rememberedBefore: boolean,
): Checked<CommandInput<'account.update'>> {
  const port = parsePort(values.port);
  const candidate: CommandInput<'account.update'> = { id: account.id };
  if (values.jid.trim() !== account.jid) candidate.jid = values.jid.trim();
  const host = values.host.trim() || null;
  if (host !== account.host) candidate.host = host;
  if (port !== 'invalid' && port !== account.port) candidate.port = port;
  if (values.label.trim() !== account.label) candidate.label = values.label.trim();
  if (values.color !== account.color) candidate.color = values.color;
  if (values.password !== '') candidate.password = values.password;
  if (values.password !== '' || values.rememberPassword !== rememberedBefore) {
    candidate.rememberPassword = values.rememberPassword;
  }
  return check(commands['account.update'].input, candidate, portErrors(port));
}
