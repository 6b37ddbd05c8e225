/**
 * The words of the control and discovery views: data forms, ad-hoc commands, the block list,
 * `xmpp:` links, the service browser and the XML console. The words are in the `control`
 * catalog; the properties are getters so that they follow a change of language.
 */
import type { FormField } from '../../../../shared/forms';
import { currentLocale, t } from '../../i18n';
import { liveWords } from './live';

export const FORM_WORDS = liveWords(
  {
    presetSecret: 'control.form.presetSecret',
    noChoice: 'control.form.noChoice',
  },
  {
    /** A field's label: its own, else its name; "(required)" when it must be filled in. */
    label: (field: FormField): string => {
      const name = field.label?.trim() || field.var || '';
      return field.required && field.type !== 'boolean' ? t('control.form.required', { name }) : name;
    },
    note: (field: FormField): string | undefined => field.desc?.trim() || undefined,
    onePerLine: (note: string | undefined): string => withNote(note, t('control.form.onePerLine')),
    mediaNotShown: (note: string | undefined): string => withNote(note, t('control.form.mediaNotShown')),
    results: (count: number, dropped: number): string =>
      dropped > 0
        ? t('control.form.resultsDropped', dropped, { results: t('control.form.results', count) })
        : t('control.form.results', count),
    fixIssues: (count: number): string => t('control.form.fixIssues', count),
  },
);

export const ADHOC_WORDS = liveWords(
  {
    starting: 'control.adhoc.starting',
    next: 'control.adhoc.next',
    prev: 'control.adhoc.prev',
    complete: 'control.adhoc.complete',
    execute: 'control.adhoc.execute',
    busy: 'control.adhoc.busy',
    cancel: 'control.adhoc.cancel',
    close: 'control.adhoc.close',
    completed: 'control.adhoc.completed',
    canceled: 'control.adhoc.canceled',
  },
  {
    title: (name: string): string => name,
    get noteKind(): Readonly<Record<'info' | 'warn' | 'error', string>> {
      return {
        info: t('control.adhoc.noteInfo'),
        warn: t('control.adhoc.noteWarn'),
        error: t('control.adhoc.noteError'),
      };
    },
  },
);

export const BLOCKING_WORDS = liveWords(
  {
    intro: 'control.blocking.intro',
    unsupported: 'control.blocking.unsupported',
    offline: 'control.blocking.offline',
    loading: 'control.blocking.loading',
    empty: 'control.blocking.empty',
    unblock: 'control.blocking.unblock',
    unblockAll: 'control.blocking.unblockAll',
    unblockAllConfirm: 'control.blocking.unblockAllConfirm',
    confirm: 'control.blocking.confirm',
    addLabel: 'control.blocking.addLabel',
    addNote: 'control.blocking.addNote',
    block: 'control.blocking.block',
    blocking: 'control.blocking.blocking',
    close: 'control.blocking.close',
    blockAction: 'control.blocking.block',
    blockBusy: 'control.blocking.blocking',
    contactBlock: 'control.blocking.contactBlock',
    contactUnblock: 'control.blocking.unblock',
    contactBlocked: 'control.blocking.contactBlocked',
    mark: 'control.blocking.mark',
    rowMark: 'control.blocking.rowMark',
  },
  {
    dialogTitle: (account: string): string => t('control.blocking.dialogTitle', { account }),
    listLabel: (count: number): string => t('control.blocking.listLabel', count),
    select: (jid: string): string => t('control.blocking.select', { jid }),
    unblockOne: (jid: string): string => t('control.blocking.unblockOne', { jid }),
    unblockSelected: (count: number): string => t('control.blocking.unblockSelected', { count }),
    blockTitle: (name: string): string => t('control.blocking.blockTitle', { name }),
    blockExplained: (jid: string): string => t('control.blocking.blockExplained', { jid }),
  },
);

export const LINK_WORDS = liveWords(
  {
    refusedTitle: 'control.link.refusedTitle',
    messageIntro: 'control.link.messageIntro',
    prefilled: 'control.link.prefilled',
    open: 'control.link.open',
    cancel: 'control.link.cancel',
    close: 'control.link.close',
    noAccount: 'control.link.noAccount',
  },
  {
    messageTitle: (jid: string): string => t('control.link.messageTitle', { jid }),
    unknownAccount: (jid: string): string => t('control.link.unknownAccount', { jid }),
  },
);

export const REGISTER_WORDS = liveWords(
  {
    entry: 'control.register.entry',
    title: 'control.register.title',
    intro: 'control.register.intro',
    server: 'control.register.server',
    serverNote: 'control.register.serverNote',
    advanced: 'control.register.advanced',
    host: 'control.register.host',
    port: 'control.register.port',
    badPort: 'control.register.badPort',
    next: 'control.register.next',
    connecting: 'control.register.connecting',
    create: 'control.register.create',
    creating: 'control.register.creating',
    cancel: 'control.register.cancel',
  },
  {
    formIntro: (domain: string): string => t('control.register.formIntro', { domain }),
  },
);

export const ACCOUNT_SERVER_WORDS = liveWords(
  {
    changePassword: 'control.accountServer.changePassword',
    newPassword: 'control.accountServer.newPassword',
    repeat: 'control.accountServer.repeat',
    passwordMissing: 'control.accountServer.passwordMissing',
    passwordsDiffer: 'control.accountServer.passwordsDiffer',
    change: 'control.accountServer.change',
    changing: 'control.accountServer.changing',
    deleteOnServer: 'control.accountServer.deleteOnServer',
    delete: 'control.accountServer.delete',
    deleting: 'control.accountServer.deleting',
  },
  {
    changePasswordLabel: (account: string): string => t('control.accountServer.changePasswordLabel', { account }),
    changeTitle: (account: string): string => t('control.accountServer.changeTitle', { account }),
    changeIntro: (jid: string): string => t('control.accountServer.changeIntro', { jid }),
    deleteOnServerLabel: (account: string): string => t('control.accountServer.deleteOnServerLabel', { account }),
    deleteTitle: (jid: string): string => t('control.accountServer.deleteTitle', { jid }),
    deleteExplained: (jid: string): string => t('control.accountServer.deleteExplained', { jid }),
  },
);

export const SERVICE_WORDS = liveWords(
  {
    title: 'control.service.title',
    address: 'control.service.address',
    node: 'control.service.node',
    show: 'control.service.show',
    showing: 'control.service.showing',
    back: 'control.service.back',
    close: 'control.service.close',
    identities: 'control.service.identities',
    noIdentity: 'control.service.noIdentity',
    extended: 'control.service.extended',
    items: 'control.service.items',
    noItems: 'control.service.noItems',
    truncated: 'control.service.truncated',
    open: 'control.service.open',
    commands: 'control.service.commands',
    listCommands: 'control.service.listCommands',
    listingCommands: 'control.service.listingCommands',
    noCommands: 'control.service.noCommands',
    run: 'control.service.run',
    about: 'control.service.about',
    contactAbout: 'control.service.contactAbout',
    version: 'control.service.version',
    lastActivity: 'control.service.lastActivity',
    time: 'control.service.time',
    ask: 'control.service.ask',
    openServices: 'control.service.openServices',
    serverTools: 'control.service.serverTools',
    blockList: 'control.service.blockList',
    console: 'control.service.console',
  },
  {
    heading: (jid: string, node: string | null): string =>
      node ? t('control.service.headingNode', { jid, node }) : jid,
    backTo: (jid: string): string => t('control.service.backTo', { jid }),
    features: (count: number): string => t('control.service.features', count),
    openItem: (name: string): string => t('control.service.openItem', { name }),
    runCommand: (name: string): string => t('control.service.runCommand', { name }),
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
    openServicesLabel: (account: string): string => t('control.service.openServicesLabel', { account }),
    blockListLabel: (account: string): string => t('control.service.blockListLabel', { account }),
    consoleLabel: (account: string): string => t('control.service.consoleLabel', { account }),
  },
);

export const CONSOLE_WORDS = liveWords(
  {
    intro: 'control.console.intro',
    record: 'control.console.record',
    recording: 'control.console.recording',
    pause: 'control.console.pause',
    paused: 'control.console.paused',
    clear: 'control.console.clear',
    filter: 'control.console.filter',
    direction: 'control.console.direction',
    both: 'control.console.both',
    incoming: 'control.console.incoming',
    outgoing: 'control.console.outgoing',
    empty: 'control.console.empty',
    noMatch: 'control.console.noMatch',
    redacted: 'control.console.redacted',
    truncated: 'control.console.truncated',
    sendLabel: 'control.console.sendLabel',
    send: 'control.console.send',
    sending: 'control.console.sending',
    sent: 'control.console.sent',
    warning: 'control.console.warning',
    sendAnyway: 'control.console.sendAnyway',
    cancel: 'control.console.cancel',
    back: 'control.console.back',
  },
  {
    heading: (account: string): string => t('control.console.heading', { account }),
    entriesLabel: (shown: number, total: number): string =>
      shown === total ? t('control.console.entries', total) : t('control.console.entriesShown', total, { shown }),
    latest: (shown: number): string => t('control.console.latest', shown),
    entry: (direction: 'in' | 'out', at: number): string =>
      t(direction === 'in' ? 'control.console.entryIn' : 'control.console.entryOut', { time: timeWithSeconds(at) }),
    /** An example stanza, the same in every language: XML is not translated. */
    placeholder: "<iq type='get' to='example.org'><query xmlns='jabber:iq:version'/></iq>",
  },
);

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
