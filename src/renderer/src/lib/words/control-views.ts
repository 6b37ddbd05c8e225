/**
 * The words of the control and discovery views: data forms, ad-hoc commands, the block list,
 * `xmpp:` links, the service browser and the XML console. The words are in the `control`
 * catalog; the properties are getters so that they follow a change of language.
 */
import type { FormField } from '../../../../shared/forms';
import { currentLocale, t } from '../../i18n';

export const FORM_WORDS = {
  /** A field's label: its own, else its name; "(required)" when it must be filled in. */
  label: (field: FormField): string => {
    const name = field.label?.trim() || field.var || '';
    return field.required && field.type !== 'boolean' ? t('control.form.required', { name }) : name;
  },
  note: (field: FormField): string | undefined => field.desc?.trim() || undefined,
  get presetSecret(): string {
    return t('control.form.presetSecret');
  },
  onePerLine: (note: string | undefined): string => withNote(note, t('control.form.onePerLine')),
  get noChoice(): string {
    return t('control.form.noChoice');
  },
  mediaNotShown: (note: string | undefined): string => withNote(note, t('control.form.mediaNotShown')),
  results: (count: number, dropped: number): string =>
    dropped > 0
      ? t('control.form.resultsDropped', dropped, { results: t('control.form.results', count) })
      : t('control.form.results', count),
  fixIssues: (count: number): string => t('control.form.fixIssues', count),
};

export const ADHOC_WORDS = {
  title: (name: string): string => name,
  get starting(): string {
    return t('control.adhoc.starting');
  },
  get next(): string {
    return t('control.adhoc.next');
  },
  get prev(): string {
    return t('control.adhoc.prev');
  },
  get complete(): string {
    return t('control.adhoc.complete');
  },
  get execute(): string {
    return t('control.adhoc.execute');
  },
  get busy(): string {
    return t('control.adhoc.busy');
  },
  get cancel(): string {
    return t('control.adhoc.cancel');
  },
  get close(): string {
    return t('control.adhoc.close');
  },
  get completed(): string {
    return t('control.adhoc.completed');
  },
  get canceled(): string {
    return t('control.adhoc.canceled');
  },
  get noteKind(): Readonly<Record<'info' | 'warn' | 'error', string>> {
    return {
      info: t('control.adhoc.noteInfo'),
      warn: t('control.adhoc.noteWarn'),
      error: t('control.adhoc.noteError'),
    };
  },
};

export const BLOCKING_WORDS = {
  dialogTitle: (account: string): string => t('control.blocking.dialogTitle', { account }),
  get intro(): string {
    return t('control.blocking.intro');
  },
  get unsupported(): string {
    return t('control.blocking.unsupported');
  },
  get offline(): string {
    return t('control.blocking.offline');
  },
  get loading(): string {
    return t('control.blocking.loading');
  },
  get empty(): string {
    return t('control.blocking.empty');
  },
  listLabel: (count: number): string => t('control.blocking.listLabel', count),
  select: (jid: string): string => t('control.blocking.select', { jid }),
  get unblock(): string {
    return t('control.blocking.unblock');
  },
  unblockOne: (jid: string): string => t('control.blocking.unblockOne', { jid }),
  unblockSelected: (count: number): string => t('control.blocking.unblockSelected', { count }),
  get unblockAll(): string {
    return t('control.blocking.unblockAll');
  },
  get unblockAllConfirm(): string {
    return t('control.blocking.unblockAllConfirm');
  },
  get confirm(): string {
    return t('control.blocking.confirm');
  },
  get addLabel(): string {
    return t('control.blocking.addLabel');
  },
  get addNote(): string {
    return t('control.blocking.addNote');
  },
  get block(): string {
    return t('control.blocking.block');
  },
  get blocking(): string {
    return t('control.blocking.blocking');
  },
  get close(): string {
    return t('control.blocking.close');
  },
  blockTitle: (name: string): string => t('control.blocking.blockTitle', { name }),
  blockExplained: (jid: string): string => t('control.blocking.blockExplained', { jid }),
  get blockAction(): string {
    return t('control.blocking.block');
  },
  get blockBusy(): string {
    return t('control.blocking.blocking');
  },
  get contactBlock(): string {
    return t('control.blocking.contactBlock');
  },
  get contactUnblock(): string {
    return t('control.blocking.unblock');
  },
  get contactBlocked(): string {
    return t('control.blocking.contactBlocked');
  },
  get mark(): string {
    return t('control.blocking.mark');
  },
  get rowMark(): string {
    return t('control.blocking.rowMark');
  },
};

export const LINK_WORDS = {
  get refusedTitle(): string {
    return t('control.link.refusedTitle');
  },
  messageTitle: (jid: string): string => t('control.link.messageTitle', { jid }),
  get messageIntro(): string {
    return t('control.link.messageIntro');
  },
  get prefilled(): string {
    return t('control.link.prefilled');
  },
  unknownAccount: (jid: string): string => t('control.link.unknownAccount', { jid }),
  get open(): string {
    return t('control.link.open');
  },
  get cancel(): string {
    return t('control.link.cancel');
  },
  get close(): string {
    return t('control.link.close');
  },
  get noAccount(): string {
    return t('control.link.noAccount');
  },
};

export const REGISTER_WORDS = {
  get entry(): string {
    return t('control.register.entry');
  },
  get title(): string {
    return t('control.register.title');
  },
  get intro(): string {
    return t('control.register.intro');
  },
  get server(): string {
    return t('control.register.server');
  },
  get serverNote(): string {
    return t('control.register.serverNote');
  },
  get advanced(): string {
    return t('control.register.advanced');
  },
  get host(): string {
    return t('control.register.host');
  },
  get port(): string {
    return t('control.register.port');
  },
  get badPort(): string {
    return t('control.register.badPort');
  },
  get next(): string {
    return t('control.register.next');
  },
  get connecting(): string {
    return t('control.register.connecting');
  },
  formIntro: (domain: string): string => t('control.register.formIntro', { domain }),
  get create(): string {
    return t('control.register.create');
  },
  get creating(): string {
    return t('control.register.creating');
  },
  get cancel(): string {
    return t('control.register.cancel');
  },
};

export const ACCOUNT_SERVER_WORDS = {
  get changePassword(): string {
    return t('control.accountServer.changePassword');
  },
  changePasswordLabel: (account: string): string => t('control.accountServer.changePasswordLabel', { account }),
  changeTitle: (account: string): string => t('control.accountServer.changeTitle', { account }),
  changeIntro: (jid: string): string => t('control.accountServer.changeIntro', { jid }),
  get newPassword(): string {
    return t('control.accountServer.newPassword');
  },
  get repeat(): string {
    return t('control.accountServer.repeat');
  },
  get passwordMissing(): string {
    return t('control.accountServer.passwordMissing');
  },
  get passwordsDiffer(): string {
    return t('control.accountServer.passwordsDiffer');
  },
  get change(): string {
    return t('control.accountServer.change');
  },
  get changing(): string {
    return t('control.accountServer.changing');
  },
  get deleteOnServer(): string {
    return t('control.accountServer.deleteOnServer');
  },
  deleteOnServerLabel: (account: string): string => t('control.accountServer.deleteOnServerLabel', { account }),
  deleteTitle: (jid: string): string => t('control.accountServer.deleteTitle', { jid }),
  deleteExplained: (jid: string): string => t('control.accountServer.deleteExplained', { jid }),
  get delete(): string {
    return t('control.accountServer.delete');
  },
  get deleting(): string {
    return t('control.accountServer.deleting');
  },
};

export const SERVICE_WORDS = {
  get title(): string {
    return t('control.service.title');
  },
  heading: (jid: string, node: string | null): string => (node ? t('control.service.headingNode', { jid, node }) : jid),
  get address(): string {
    return t('control.service.address');
  },
  get node(): string {
    return t('control.service.node');
  },
  get show(): string {
    return t('control.service.show');
  },
  get showing(): string {
    return t('control.service.showing');
  },
  get back(): string {
    return t('control.service.back');
  },
  backTo: (jid: string): string => t('control.service.backTo', { jid }),
  get close(): string {
    return t('control.service.close');
  },
  get identities(): string {
    return t('control.service.identities');
  },
  get noIdentity(): string {
    return t('control.service.noIdentity');
  },
  features: (count: number): string => t('control.service.features', count),
  get extended(): string {
    return t('control.service.extended');
  },
  get items(): string {
    return t('control.service.items');
  },
  get noItems(): string {
    return t('control.service.noItems');
  },
  get truncated(): string {
    return t('control.service.truncated');
  },
  get open(): string {
    return t('control.service.open');
  },
  openItem: (name: string): string => t('control.service.openItem', { name }),
  get commands(): string {
    return t('control.service.commands');
  },
  get listCommands(): string {
    return t('control.service.listCommands');
  },
  get listingCommands(): string {
    return t('control.service.listingCommands');
  },
  get noCommands(): string {
    return t('control.service.noCommands');
  },
  get run(): string {
    return t('control.service.run');
  },
  runCommand: (name: string): string => t('control.service.runCommand', { name }),
  get about(): string {
    return t('control.service.about');
  },
  get contactAbout(): string {
    return t('control.service.contactAbout');
  },
  get version(): string {
    return t('control.service.version');
  },
  get lastActivity(): string {
    return t('control.service.lastActivity');
  },
  get time(): string {
    return t('control.service.time');
  },
  get ask(): string {
    return t('control.service.ask');
  },
  versionText: (name: string | null, version: string | null, os: string | null): string =>
    [name ?? t('control.service.unknownSoftware'), version, os ? t('control.service.onSystem', { os }) : null]
      .filter(Boolean)
      .join(' '),
  lastText: (seconds: number, status: string | null): string =>
    status ? t('control.service.lastStatus', { duration: durationText(seconds), status }) : durationText(seconds),
  timeText: (utc: string, tzo: string, skew: number): string => {
    const words = { time: utcDateTime(utc), offset: tzo };
    if (Math.abs(skew) < 60) return t('control.service.timeText', words);
    const duration = durationText(Math.abs(skew));
    return t(skew > 0 ? 'control.service.clockAhead' : 'control.service.clockBehind', { ...words, duration });
  },
  get openServices(): string {
    return t('control.service.openServices');
  },
  openServicesLabel: (account: string): string => t('control.service.openServicesLabel', { account }),
  get serverTools(): string {
    return t('control.service.serverTools');
  },
  get blockList(): string {
    return t('control.service.blockList');
  },
  blockListLabel: (account: string): string => t('control.service.blockListLabel', { account }),
  get console(): string {
    return t('control.service.console');
  },
  consoleLabel: (account: string): string => t('control.service.consoleLabel', { account }),
};

export const CONSOLE_WORDS = {
  heading: (account: string): string => t('control.console.heading', { account }),
  get intro(): string {
    return t('control.console.intro');
  },
  get record(): string {
    return t('control.console.record');
  },
  get recording(): string {
    return t('control.console.recording');
  },
  get pause(): string {
    return t('control.console.pause');
  },
  get paused(): string {
    return t('control.console.paused');
  },
  get clear(): string {
    return t('control.console.clear');
  },
  get filter(): string {
    return t('control.console.filter');
  },
  get direction(): string {
    return t('control.console.direction');
  },
  get both(): string {
    return t('control.console.both');
  },
  get incoming(): string {
    return t('control.console.incoming');
  },
  get outgoing(): string {
    return t('control.console.outgoing');
  },
  entriesLabel: (shown: number, total: number): string =>
    shown === total ? t('control.console.entries', total) : t('control.console.entriesShown', total, { shown }),
  get empty(): string {
    return t('control.console.empty');
  },
  get noMatch(): string {
    return t('control.console.noMatch');
  },
  latest: (shown: number): string => t('control.console.latest', shown),
  entry: (direction: 'in' | 'out', at: number): string =>
    t(direction === 'in' ? 'control.console.entryIn' : 'control.console.entryOut', { time: timeWithSeconds(at) }),
  get redacted(): string {
    return t('control.console.redacted');
  },
  get truncated(): string {
    return t('control.console.truncated');
  },
  get sendLabel(): string {
    return t('control.console.sendLabel');
  },
  /** An example stanza, the same in every language: XML is not translated. */
  placeholder: "<iq type='get' to='example.org'><query xmlns='jabber:iq:version'/></iq>",
  get send(): string {
    return t('control.console.send');
  },
  get sending(): string {
    return t('control.console.sending');
  },
  get sent(): string {
    return t('control.console.sent');
  },
  get warning(): string {
    return t('control.console.warning');
  },
  get sendAnyway(): string {
    return t('control.console.sendAnyway');
  },
  get cancel(): string {
    return t('control.console.cancel');
  },
  get back(): string {
    return t('control.console.back');
  },
};

/** A field's own note, then the words about it. */
function withNote(note: string | undefined, words: string): string {
  return note ? t('control.form.noteThen', { note, more: words }) : words;
}

/** The entity's clock as UTC, in the locale's way of writing a date and time. */
function utcDateTime(utc: string): string {
  return new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(utc),
  );
}

/** A console entry's time, to the second: stanzas come many a minute. */
function timeWithSeconds(at: number): string {
  return new Intl.DateTimeFormat(currentLocale(), { timeStyle: 'medium' }).format(at);
}

function durationText(seconds: number): string {
  if (seconds < 60) return t('control.duration.seconds', seconds);
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('control.duration.minutes', minutes);
  const hours = Math.round(minutes / 60);
  if (hours < 48) return t('control.duration.hours', hours);
  return t('control.duration.days', Math.round(hours / 24));
}
