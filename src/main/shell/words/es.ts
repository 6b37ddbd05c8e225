/** The shell's words in Spanish (keys and placeholders as in en.ts). */
import type { ShellCatalog } from './catalog';

export const ES: ShellCatalog = {
  'show.available': 'Disponible',
  'show.chat': 'Libre para chatear',
  'show.away': 'Ausente',
  'show.xa': 'Ausente mucho tiempo',
  'show.dnd': 'No molestar',
  'show.offline': 'Desconectado',

  'state.connecting': 'Conectando…',
  'state.reconnecting': 'Reconectando…',
  'state.disabled': 'Desactivada',
  'state.offline': 'Desconectada',
  'state.awaitsPassword': 'Esperando tu contraseña',
  'state.error': 'Error',
  'state.errorWith': 'Error: {problem}',
  'problem.auth': 'contraseña incorrecta o cuenta desactivada',
  'problem.unreachable': 'servidor inaccesible',
  'problem.certificate': 'certificado que no es de confianza',
  'problem.tls-unavailable': 'el servidor no ofrece cifrado',
  'problem.conflict': 'sesión iniciada en otro sitio',
  'problem.protocol': 'error del servidor',

  tooltip: 'Jabberwock — {parts}',
  'tooltip.separator': ', ',
  'tooltip.noAccount': 'ninguna cuenta configurada',
  'tooltip.allDisabled': 'todas las cuentas desactivadas',
  'tooltip.first.online': {
    one: '{count} cuenta en línea',
    many: '{count} de cuentas en línea',
    other: '{count} cuentas en línea',
  },
  'tooltip.first.connecting': {
    one: '{count} cuenta conectándose',
    many: '{count} de cuentas conectándose',
    other: '{count} cuentas conectándose',
  },
  'tooltip.first.reconnecting': {
    one: '{count} cuenta reconectándose',
    many: '{count} de cuentas reconectándose',
    other: '{count} cuentas reconectándose',
  },
  'tooltip.first.error': {
    one: '{count} cuenta con error',
    many: '{count} de cuentas con error',
    other: '{count} cuentas con error',
  },
  'tooltip.first.offline': {
    one: '{count} cuenta desconectada',
    many: '{count} de cuentas desconectadas',
    other: '{count} cuentas desconectadas',
  },
  'tooltip.more.online': { one: '{count} en línea', many: '{count} en línea', other: '{count} en línea' },
  'tooltip.more.connecting': {
    one: '{count} conectándose',
    many: '{count} conectándose',
    other: '{count} conectándose',
  },
  'tooltip.more.reconnecting': {
    one: '{count} reconectándose',
    many: '{count} reconectándose',
    other: '{count} reconectándose',
  },
  'tooltip.more.error': { one: '{count} con error', many: '{count} con error', other: '{count} con error' },
  'tooltip.more.offline': {
    one: '{count} desconectada',
    many: '{count} desconectadas',
    other: '{count} desconectadas',
  },
  'tooltip.unread': {
    one: '{count} mensaje sin leer',
    many: '{count} de mensajes sin leer',
    other: '{count} mensajes sin leer',
  },
  'tooltip.requests': {
    one: '{count} solicitud de contacto',
    many: '{count} de solicitudes de contacto',
    other: '{count} solicitudes de contacto',
  },

  'menu.unread': {
    one: '{count} mensaje sin leer…',
    many: '{count} de mensajes sin leer…',
    other: '{count} mensajes sin leer…',
  },
  'menu.requests': {
    one: '{count} solicitud de contacto…',
    many: '{count} de solicitudes de contacto…',
    other: '{count} solicitudes de contacto…',
  },
  'menu.setAll': 'Establecer el estado de todas las cuentas',
  'menu.account': '{name} — {state}',
  'menu.show': 'Mostrar Jabberwock',
  'menu.hide': 'Ocultar Jabberwock',
  'menu.quit': 'Salir',

  'badge.unread': {
    one: '{count} mensaje sin leer',
    many: '{count} de mensajes sin leer',
    other: '{count} mensajes sin leer',
  },

  'notification.inRoom': '{nick} en {room}',
  'notification.private': '{nick} (privado, {room})',
  'notification.reply': 'Responder…',
  'notification.markRead': 'Marcar como leído',

  'hint.title.tray': 'Jabberwock sigue en marcha en la bandeja del sistema',
  'hint.title.menuBar': 'Jabberwock sigue en marcha en la barra de menús',
  'hint.body.tray':
    'Sigues en línea y recibes notificaciones. Para salir, haz clic en el icono de Jabberwock en la bandeja del sistema y elige Salir en su menú.',
  'hint.body.menuBar':
    'Sigues en línea y recibes notificaciones. Para salir, haz clic en el icono de Jabberwock en la barra de menús y elige Salir en su menú, o pulsa ⌘Q.',
  'hint.ok': 'Aceptar',

  'context.noSuggestions': 'No hay sugerencias ortográficas',
  'context.addToDictionary': 'Añadir al diccionario',
  'context.openLink': 'Abrir el enlace en el navegador…',
  'context.copyLink': 'Copiar la dirección del enlace',
  'context.inspect': 'Inspeccionar elemento',

  'link.refused': 'Jabberwock no abre este tipo de enlace.',
  'link.ask': '¿Abrir un enlace a {host}?',
  'link.open': 'Abrir',
  'link.cancel': 'Cancelar',
  'link.ok': 'Aceptar',

  'start.failed': 'Jabberwock no puede iniciarse',
};
