/**
 * The words of the control and discovery views: data forms, ad-hoc commands, the block list,
 * `xmpp:` links, the service browser and the XML console. Kept here (not in the components) so
 * that the catalogs can take them over in one place.
 */
import type { FormField } from '../../../../shared/forms';

export const FORM_WORDS = {
  /** A field's label: its own, else its name; "(required)" when it must be filled in. */
  label: (field: FormField): string => {
    const name = field.label?.trim() || field.var || '';
    return field.required && field.type !== 'boolean' ? `${name} (required)` : name;
  },
  note: (field: FormField): string | undefined => field.desc?.trim() || undefined,
  presetSecret: 'A value is set; leave this empty to keep it.',
  onePerLine: (note: string | undefined): string => (note ? `${note} One address per line.` : 'One address per line.'),
  noChoice: '— none —',
  mediaNotShown: (note: string | undefined): string =>
    `${note ? `${note} ` : ''}This field comes with a picture or sound that Jabberwock does not show yet.`,
  results: (count: number, dropped: number): string =>
    `${count === 1 ? '1 result' : `${count} results`}${dropped > 0 ? ` (${dropped} more not shown)` : ''}`,
  fixIssues: (count: number): string =>
    count === 1 ? 'One field needs attention.' : `${count} fields need attention.`,
};

export const ADHOC_WORDS = {
  title: (name: string): string => name,
  starting: 'Starting the command…',
  next: 'Next',
  prev: 'Back',
  complete: 'Finish',
  execute: 'Run',
  busy: 'Sending…',
  cancel: 'Cancel',
  close: 'Close',
  completed: 'The command is done.',
  canceled: 'The command was canceled.',
  noteKind: { info: 'Note', warn: 'Warning', error: 'Error' } as const,
};

export const BLOCKING_WORDS = {
  dialogTitle: (account: string): string => `Blocked addresses of ${account}`,
  intro:
    'Blocked addresses cannot send you messages, requests or invitations, and do not see your status. The list is kept on your server, so it applies to all your clients.',
  unsupported: 'This account’s server does not offer blocking.',
  offline: 'Connect the account to see and change its block list.',
  loading: 'Reading the block list…',
  empty: 'Nobody is blocked.',
  listLabel: (count: number): string => (count === 1 ? '1 blocked address' : `${count} blocked addresses`),
  select: (jid: string): string => `Select ${jid}`,
  unblock: 'Unblock',
  unblockOne: (jid: string): string => `Unblock ${jid}`,
  unblockSelected: (count: number): string => `Unblock ${count} selected`,
  unblockAll: 'Unblock everyone',
  unblockAllConfirm: 'Unblock every address on this list?',
  confirm: 'Yes, unblock all',
  addLabel: 'Block an address',
  addNote: 'A contact’s address, a full address with a device, or a whole server (example.org).',
  block: 'Block',
  blocking: 'Blocking…',
  close: 'Close',
  blockTitle: (name: string): string => `Block ${name}?`,
  blockExplained: (jid: string): string =>
    `${jid} will not be able to send you messages or requests, and will not see your status. Your other clients follow the same list. You can unblock at any time.`,
  blockAction: 'Block',
  blockBusy: 'Blocking…',
  contactBlock: 'Block…',
  contactUnblock: 'Unblock',
  contactBlocked: 'Blocked: you receive nothing from this address.',
  mark: 'Blocked',
  rowMark: 'blocked',
};

export const LINK_WORDS = {
  refusedTitle: 'This link cannot be opened',
  messageTitle: (jid: string): string => `Write to ${jid}?`,
  messageIntro: 'An xmpp: link asks to open a conversation. Nothing is sent until you send it yourself.',
  prefilled: 'The link suggests this message:',
  fingerprints: (count: number): string =>
    count === 1
      ? 'The link also carries a key fingerprint; Jabberwock does not use fingerprints from links yet.'
      : `The link also carries ${count} key fingerprints; Jabberwock does not use fingerprints from links yet.`,
  unknownAccount: (jid: string): string => `The link names the account ${jid}, which is not set up here.`,
  open: 'Open conversation',
  cancel: 'Cancel',
  close: 'Close',
  noAccount: 'Add an account first to open xmpp: links.',
};

export const REGISTER_WORDS = {
  entry: 'Create a new account on a server…',
  title: 'Create an account',
  intro:
    'Many servers let you create an account from here. Jabberwock connects to the server (always encrypted and verified for its name) and shows the form it asks you to fill in.',
  server: 'Server',
  serverNote: 'Its name, like example.org.',
  advanced: 'Advanced',
  host: 'Server host',
  port: 'Port',
  badPort: 'Ports go from 1 to 65535.',
  next: 'Continue',
  connecting: 'Connecting…',
  formIntro: (domain: string): string => `What ${domain} asks for to create your account:`,
  create: 'Create account',
  creating: 'Creating…',
  cancel: 'Cancel',
};

export const ACCOUNT_SERVER_WORDS = {
  changePassword: 'Change password…',
  changePasswordLabel: (account: string): string => `Change the password of ${account} on its server`,
  changeTitle: (account: string): string => `Change the password of ${account}`,
  changeIntro: (jid: string): string =>
    `The password of ${jid} changes on its server, for all your clients; Jabberwock keeps the new one the way it kept the old one.`,
  newPassword: 'New password',
  repeat: 'New password again',
  passwordMissing: 'Enter the new password.',
  passwordsDiffer: 'The two passwords differ.',
  change: 'Change password',
  changing: 'Changing…',
  deleteOnServer: 'Delete on the server…',
  deleteOnServerLabel: (account: string): string => `Delete ${account} on its server`,
  deleteTitle: (jid: string): string => `Delete ${jid} on its server?`,
  deleteExplained: (jid: string): string =>
    `The account ${jid} is deleted on its server, with its contacts and stored messages there, and removed from Jabberwock. Nobody can sign in to it again. This cannot be undone.`,
  delete: 'Delete the account',
  deleting: 'Deleting…',
};

export const SERVICE_WORDS = {
  title: 'Services',
  heading: (jid: string, node: string | null): string => (node ? `${jid} — ${node}` : jid),
  address: 'Address',
  node: 'Node',
  show: 'Show',
  showing: 'Asking…',
  back: 'Back',
  backTo: (jid: string): string => `Back to ${jid}`,
  close: 'Close',
  identities: 'What it is',
  noIdentity: 'It does not say what it is.',
  features: (count: number): string => (count === 1 ? '1 feature' : `${count} features`),
  extended: 'More about it',
  items: 'What it lists',
  noItems: 'It lists nothing.',
  truncated: 'It listed more than Jabberwock keeps; the rest is not shown.',
  open: 'Open',
  openItem: (name: string): string => `Open ${name}`,
  commands: 'Commands',
  listCommands: 'List its commands',
  listingCommands: 'Asking…',
  noCommands: 'It offers you no commands.',
  run: 'Run',
  runCommand: (name: string): string => `Run ${name}`,
  about: 'About this address',
  contactAbout: 'Their client',
  version: 'Software',
  lastActivity: 'Last activity',
  time: 'Local time',
  ask: 'Ask',
  versionText: (name: string | null, version: string | null, os: string | null): string =>
    [name ?? 'Unknown software', version, os ? `on ${os}` : null].filter(Boolean).join(' '),
  lastText: (seconds: number, status: string | null): string =>
    `${durationText(seconds)}${status ? ` — “${status}”` : ''}`,
  timeText: (utc: string, tzo: string, skew: number): string =>
    `${new Date(utc).toLocaleString(undefined, { timeZone: 'UTC' })} UTC, offset ${tzo}${Math.abs(skew) >= 60 ? ` (its clock is ${durationText(Math.abs(skew))} ${skew > 0 ? 'ahead' : 'behind'})` : ''}`,
  openServices: 'Services…',
  openServicesLabel: (account: string): string => `Services of ${account}’s server`,
  serverTools: 'Server',
  blockList: 'Blocked addresses…',
  blockListLabel: (account: string): string => `Blocked addresses of ${account}`,
  console: 'XML console',
  consoleLabel: (account: string): string => `XML console of ${account}`,
};

export const CONSOLE_WORDS = {
  heading: (account: string): string => `XML console — ${account}`,
  intro:
    'Every stanza between this account and its server, while recording. Passwords, sign-in exchanges and upload addresses are replaced by “[redacted]” before they reach this window.',
  record: 'Record',
  recording: 'Recording',
  pause: 'Pause the view',
  paused: 'View paused',
  clear: 'Clear',
  filter: 'Filter',
  direction: 'Direction',
  both: 'In and out',
  incoming: 'In',
  outgoing: 'Out',
  entriesLabel: (shown: number, total: number): string =>
    shown === total ? `${total} stanzas` : `${shown} of ${total} stanzas`,
  empty: 'Nothing recorded yet. Press Record to start.',
  noMatch: 'No stanza matches the filter.',
  latest: (shown: number): string => `Showing the latest ${shown}.`,
  entry: (direction: 'in' | 'out', at: number): string =>
    `${direction === 'in' ? 'In' : 'Out'} at ${new Date(at).toLocaleTimeString()}`,
  redacted: 'redacted',
  truncated: 'cut',
  sendLabel: 'Stanza to send',
  placeholder: "<iq type='get' to='example.org'><query xmlns='jabber:iq:version'/></iq>",
  send: 'Send',
  sending: 'Sending…',
  sent: 'Sent.',
  warning:
    'A raw stanza goes to the server exactly as typed, as this account. It can change your roster, your settings or what others see. Send it only if you know what it does.',
  sendAnyway: 'Send it',
  cancel: 'Cancel',
  back: 'Back',
};

function durationText(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return hours === 1 ? '1 hour' : `${hours} hours`;
  const days = Math.round(hours / 24);
  return `${days} days`;
}
