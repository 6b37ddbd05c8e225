/**
 * The shell's words in English: the tray's menu and tooltip, notifications, the first-time tray
 * hint, the context menu, the link confirmation and the start-up error. The source the other
 * languages (de.ts, fr.ts, es.ts, ru.ts) translate; {name} is a placeholder, and a plural lists a
 * form per Intl.PluralRules category ({count} is the number, written for the language).
 */
export const EN = {
  'show.available': 'Available',
  'show.chat': 'Free for chat',
  'show.away': 'Away',
  'show.xa': 'Extended away',
  'show.dnd': 'Do not disturb',
  'show.offline': 'Offline',

  'state.connecting': 'Connecting…',
  'state.reconnecting': 'Reconnecting…',
  'state.disabled': 'Disabled',
  'state.offline': 'Offline',
  'state.awaitsPassword': 'Waiting for your password',
  'state.error': 'Error',
  'state.errorWith': 'Error: {problem}',
  'problem.auth': 'wrong password or account disabled',
  'problem.unreachable': 'server unreachable',
  'problem.certificate': 'certificate not trusted',
  'problem.tls-unavailable': 'server offers no encryption',
  'problem.conflict': 'signed in elsewhere',
  'problem.protocol': 'server error',

  tooltip: 'Jabberwock — {parts}',
  'tooltip.separator': ', ',
  'tooltip.noAccount': 'no account set up',
  'tooltip.allDisabled': 'all accounts disabled',
  // The first group carries the noun: "2 accounts online, 1 reconnecting".
  'tooltip.first.online': { one: '{count} account online', other: '{count} accounts online' },
  'tooltip.first.connecting': { one: '{count} account connecting', other: '{count} accounts connecting' },
  'tooltip.first.reconnecting': { one: '{count} account reconnecting', other: '{count} accounts reconnecting' },
  'tooltip.first.error': { one: '{count} account with an error', other: '{count} accounts with an error' },
  'tooltip.first.offline': { one: '{count} account offline', other: '{count} accounts offline' },
  'tooltip.more.online': { one: '{count} online', other: '{count} online' },
  'tooltip.more.connecting': { one: '{count} connecting', other: '{count} connecting' },
  'tooltip.more.reconnecting': { one: '{count} reconnecting', other: '{count} reconnecting' },
  'tooltip.more.error': { one: '{count} with an error', other: '{count} with an error' },
  'tooltip.more.offline': { one: '{count} offline', other: '{count} offline' },
  'tooltip.unread': { one: '{count} unread message', other: '{count} unread messages' },
  'tooltip.requests': { one: '{count} contact request', other: '{count} contact requests' },

  'menu.unread': { one: '{count} unread message…', other: '{count} unread messages…' },
  'menu.requests': { one: '{count} contact request…', other: '{count} contact requests…' },
  'menu.setAll': 'Set status for all accounts',
  'menu.account': '{name} — {state}',
  'menu.show': 'Show Jabberwock',
  'menu.hide': 'Hide Jabberwock',
  'menu.quit': 'Quit',

  'badge.unread': { one: '{count} unread message', other: '{count} unread messages' },

  'notification.inRoom': '{nick} in {room}',
  'notification.private': '{nick} (private, {room})',
  'notification.reply': 'Reply…',
  'notification.markRead': 'Mark as read',

  'hint.title.tray': 'Jabberwock is still running in the tray',
  'hint.title.menuBar': 'Jabberwock is still running in the menu bar',
  'hint.body.tray':
    'You stay online and get notifications. To quit, click the Jabberwock icon in the tray and choose Quit in its menu.',
  'hint.body.menuBar':
    'You stay online and get notifications. To quit, click the Jabberwock icon in the menu bar and choose Quit in its menu or press ⌘Q.',
  'hint.ok': 'OK',

  'context.noSuggestions': 'No spelling suggestions',
  'context.addToDictionary': 'Add to dictionary',
  'context.openLink': 'Open link in browser…',
  'context.copyLink': 'Copy link address',
  'context.inspect': 'Inspect element',

  'link.refused': 'Jabberwock does not open this kind of link.',
  'link.ask': 'Open a link to {host}?',
  'link.open': 'Open',
  'link.cancel': 'Cancel',
  'link.ok': 'OK',

  'start.failed': 'Jabberwock cannot start',
} as const;
