/** The shell's words in German (keys and placeholders as in en.ts). */
import type { ShellCatalog } from './catalog';

export const DE: ShellCatalog = {
  'show.available': 'Verfügbar',
  'show.chat': 'Gesprächsbereit',
  'show.away': 'Abwesend',
  'show.xa': 'Länger abwesend',
  'show.dnd': 'Nicht stören',
  'show.offline': 'Offline',

  'state.connecting': 'Verbindung wird hergestellt…',
  'state.reconnecting': 'Erneute Verbindung…',
  'state.disabled': 'Deaktiviert',
  'state.offline': 'Offline',
  'state.awaitsPassword': 'Wartet auf Ihr Passwort',
  'state.error': 'Fehler',
  'state.errorWith': 'Fehler: {problem}',
  'problem.auth': 'falsches Passwort oder Konto deaktiviert',
  'problem.unreachable': 'Server nicht erreichbar',
  'problem.certificate': 'Zertifikat nicht vertrauenswürdig',
  'problem.tls-unavailable': 'Server bietet keine Verschlüsselung',
  'problem.conflict': 'anderswo angemeldet',
  'problem.protocol': 'Serverfehler',

  tooltip: 'Jabberwock – {parts}',
  'tooltip.separator': ', ',
  'tooltip.noAccount': 'kein Konto eingerichtet',
  'tooltip.allDisabled': 'alle Konten deaktiviert',
  'tooltip.first.online': { one: '{count} Konto online', other: '{count} Konten online' },
  'tooltip.first.connecting': { one: '{count} Konto verbindet sich', other: '{count} Konten verbinden sich' },
  'tooltip.first.reconnecting': { one: '{count} Konto verbindet sich neu', other: '{count} Konten verbinden sich neu' },
  'tooltip.first.error': { one: '{count} Konto mit Fehler', other: '{count} Konten mit Fehler' },
  'tooltip.first.offline': { one: '{count} Konto offline', other: '{count} Konten offline' },
  'tooltip.more.online': { one: '{count} online', other: '{count} online' },
  'tooltip.more.connecting': { one: '{count} verbindet sich', other: '{count} verbinden sich' },
  'tooltip.more.reconnecting': { one: '{count} verbindet sich neu', other: '{count} verbinden sich neu' },
  'tooltip.more.error': { one: '{count} mit Fehler', other: '{count} mit Fehler' },
  'tooltip.more.offline': { one: '{count} offline', other: '{count} offline' },
  'tooltip.unread': { one: '{count} ungelesene Nachricht', other: '{count} ungelesene Nachrichten' },
  'tooltip.requests': { one: '{count} Kontaktanfrage', other: '{count} Kontaktanfragen' },

  'menu.unread': { one: '{count} ungelesene Nachricht…', other: '{count} ungelesene Nachrichten…' },
  'menu.requests': { one: '{count} Kontaktanfrage…', other: '{count} Kontaktanfragen…' },
  'menu.setAll': 'Status für alle Konten festlegen',
  'menu.account': '{name} – {state}',
  'menu.show': 'Jabberwock anzeigen',
  'menu.hide': 'Jabberwock ausblenden',
  'menu.quit': 'Beenden',

  'badge.unread': { one: '{count} ungelesene Nachricht', other: '{count} ungelesene Nachrichten' },

  'notification.inRoom': '{nick} in {room}',
  'notification.private': '{nick} (privat, {room})',
  'notification.reply': 'Antworten…',
  'notification.markRead': 'Als gelesen markieren',

  'hint.title.tray': 'Jabberwock läuft im Infobereich weiter',
  'hint.title.menuBar': 'Jabberwock läuft in der Menüleiste weiter',
  'hint.body.tray':
    'Sie bleiben online und erhalten Benachrichtigungen. Zum Beenden klicken Sie auf das Jabberwock-Symbol im Infobereich und wählen im Menü „Beenden“.',
  'hint.body.menuBar':
    'Sie bleiben online und erhalten Benachrichtigungen. Zum Beenden klicken Sie auf das Jabberwock-Symbol in der Menüleiste und wählen im Menü „Beenden“ oder drücken ⌘Q.',
  'hint.ok': 'OK',

  'context.noSuggestions': 'Keine Rechtschreibvorschläge',
  'context.addToDictionary': 'Zum Wörterbuch hinzufügen',
  'context.openLink': 'Link im Browser öffnen…',
  'context.copyLink': 'Linkadresse kopieren',
  'context.inspect': 'Element untersuchen',

  'link.refused': 'Jabberwock öffnet diese Art von Link nicht.',
  'link.ask': 'Einen Link zu {host} öffnen?',
  'link.open': 'Öffnen',
  'link.cancel': 'Abbrechen',
  'link.ok': 'OK',

  'start.failed': 'Jabberwock kann nicht starten',
};
