/** The shell's words in French (keys and placeholders as in en.ts). */
import type { ShellCatalog } from './catalog';

export const FR: ShellCatalog = {
  'show.available': 'Disponible',
  'show.chat': 'Libre pour discuter',
  'show.away': 'Absent',
  'show.xa': 'Absent pour longtemps',
  'show.dnd': 'Ne pas déranger',
  'show.offline': 'Hors ligne',

  'state.connecting': 'Connexion…',
  'state.reconnecting': 'Reconnexion…',
  'state.disabled': 'Désactivé',
  'state.offline': 'Hors ligne',
  'state.awaitsPassword': 'En attente de votre mot de passe',
  'state.error': 'Erreur',
  'state.errorWith': 'Erreur\u00a0: {problem}',
  'problem.auth': 'mot de passe erroné ou compte désactivé',
  'problem.unreachable': 'serveur injoignable',
  'problem.certificate': 'certificat non approuvé',
  'problem.tls-unavailable': 'le serveur ne propose pas de chiffrement',
  'problem.conflict': 'connecté ailleurs',
  'problem.protocol': 'erreur du serveur',

  tooltip: 'Jabberwock — {parts}',
  'tooltip.separator': ', ',
  'tooltip.noAccount': 'aucun compte configuré',
  'tooltip.allDisabled': 'tous les comptes désactivés',
  'tooltip.first.online': {
    one: '{count} compte en ligne',
    many: '{count} de comptes en ligne',
    other: '{count} comptes en ligne',
  },
  'tooltip.first.connecting': {
    one: '{count} compte en connexion',
    many: '{count} de comptes en connexion',
    other: '{count} comptes en connexion',
  },
  'tooltip.first.reconnecting': {
    one: '{count} compte en reconnexion',
    many: '{count} de comptes en reconnexion',
    other: '{count} comptes en reconnexion',
  },
  'tooltip.first.error': {
    one: '{count} compte en erreur',
    many: '{count} de comptes en erreur',
    other: '{count} comptes en erreur',
  },
  'tooltip.first.offline': {
    one: '{count} compte hors ligne',
    many: '{count} de comptes hors ligne',
    other: '{count} comptes hors ligne',
  },
  'tooltip.more.online': { one: '{count} en ligne', many: '{count} en ligne', other: '{count} en ligne' },
  'tooltip.more.connecting': {
    one: '{count} en connexion',
    many: '{count} en connexion',
    other: '{count} en connexion',
  },
  'tooltip.more.reconnecting': {
    one: '{count} en reconnexion',
    many: '{count} en reconnexion',
    other: '{count} en reconnexion',
  },
  'tooltip.more.error': { one: '{count} en erreur', many: '{count} en erreur', other: '{count} en erreur' },
  'tooltip.more.offline': { one: '{count} hors ligne', many: '{count} hors ligne', other: '{count} hors ligne' },
  'tooltip.unread': {
    one: '{count} message non lu',
    many: '{count} de messages non lus',
    other: '{count} messages non lus',
  },
  'tooltip.requests': {
    one: '{count} demande de contact',
    many: '{count} de demandes de contact',
    other: '{count} demandes de contact',
  },

  'menu.unread': {
    one: '{count} message non lu…',
    many: '{count} de messages non lus…',
    other: '{count} messages non lus…',
  },
  'menu.requests': {
    one: '{count} demande de contact…',
    many: '{count} de demandes de contact…',
    other: '{count} demandes de contact…',
  },
  'menu.setAll': 'Définir le statut de tous les comptes',
  'menu.account': '{name} — {state}',
  'menu.show': 'Afficher Jabberwock',
  'menu.hide': 'Masquer Jabberwock',
  'menu.quit': 'Quitter',

  'badge.unread': {
    one: '{count} message non lu',
    many: '{count} de messages non lus',
    other: '{count} messages non lus',
  },

  'notification.inRoom': '{nick} dans {room}',
  'notification.private': '{nick} (privé, {room})',
  'notification.reply': 'Répondre…',
  'notification.markRead': 'Marquer comme lu',

  'hint.title.tray': 'Jabberwock tourne toujours dans la zone de notification',
  'hint.title.menuBar': 'Jabberwock tourne toujours dans la barre des menus',
  'hint.body.tray':
    'Vous restez en ligne et recevez les notifications. Pour quitter, cliquez sur l’icône de Jabberwock dans la zone de notification et choisissez Quitter dans son menu.',
  'hint.body.menuBar':
    'Vous restez en ligne et recevez les notifications. Pour quitter, cliquez sur l’icône de Jabberwock dans la barre des menus et choisissez Quitter dans son menu, ou appuyez sur ⌘Q.',
  'hint.ok': 'OK',

  'context.noSuggestions': 'Aucune suggestion orthographique',
  'context.addToDictionary': 'Ajouter au dictionnaire',
  'context.openLink': 'Ouvrir le lien dans le navigateur…',
  'context.copyLink': 'Copier l’adresse du lien',
  'context.inspect': 'Inspecter l’élément',

  'link.refused': 'Jabberwock n’ouvre pas ce type de lien.',
  'link.ask': 'Ouvrir un lien vers {host}\u00a0?',
  'link.open': 'Ouvrir',
  'link.cancel': 'Annuler',
  'link.ok': 'OK',

  'start.failed': 'Jabberwock ne peut pas démarrer',
};
