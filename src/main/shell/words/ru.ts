/** The shell's words in Russian (keys and placeholders as in en.ts). */
import type { ShellCatalog } from './catalog';

export const RU: ShellCatalog = {
  'show.available': 'В сети',
  'show.chat': 'Готов поболтать',
  'show.away': 'Отошёл',
  'show.xa': 'Давно отошёл',
  'show.dnd': 'Не беспокоить',
  'show.offline': 'Не в сети',

  'state.connecting': 'Подключение…',
  'state.reconnecting': 'Переподключение…',
  'state.disabled': 'Выключен',
  'state.offline': 'Не в сети',
  'state.awaitsPassword': 'Ожидает ваш пароль',
  'state.error': 'Ошибка',
  'state.errorWith': 'Ошибка: {problem}',
  'problem.auth': 'неверный пароль или аккаунт отключён',
  'problem.unreachable': 'сервер недоступен',
  'problem.certificate': 'сертификату нет доверия',
  'problem.tls-unavailable': 'сервер не предлагает шифрование',
  'problem.conflict': 'вход выполнен в другом месте',
  'problem.protocol': 'ошибка сервера',

  tooltip: 'Jabberwock — {parts}',
  'tooltip.separator': ', ',
  'tooltip.noAccount': 'нет ни одного аккаунта',
  'tooltip.allDisabled': 'все аккаунты выключены',
  'tooltip.first.online': {
    one: '{count} аккаунт в сети',
    few: '{count} аккаунта в сети',
    many: '{count} аккаунтов в сети',
    other: '{count} аккаунта в сети',
  },
  'tooltip.first.connecting': {
    one: '{count} аккаунт подключается',
    few: '{count} аккаунта подключаются',
    many: '{count} аккаунтов подключаются',
    other: '{count} аккаунта подключаются',
  },
  'tooltip.first.reconnecting': {
    one: '{count} аккаунт переподключается',
    few: '{count} аккаунта переподключаются',
    many: '{count} аккаунтов переподключаются',
    other: '{count} аккаунта переподключаются',
  },
  'tooltip.first.error': {
    one: '{count} аккаунт с ошибкой',
    few: '{count} аккаунта с ошибкой',
    many: '{count} аккаунтов с ошибкой',
    other: '{count} аккаунта с ошибкой',
  },
  'tooltip.first.offline': {
    one: '{count} аккаунт не в сети',
    few: '{count} аккаунта не в сети',
    many: '{count} аккаунтов не в сети',
    other: '{count} аккаунта не в сети',
  },
  'tooltip.more.online': {
    one: '{count} в сети',
    few: '{count} в сети',
    many: '{count} в сети',
    other: '{count} в сети',
  },
  'tooltip.more.connecting': {
    one: '{count} подключается',
    few: '{count} подключаются',
    many: '{count} подключаются',
    other: '{count} подключаются',
  },
  'tooltip.more.reconnecting': {
    one: '{count} переподключается',
    few: '{count} переподключаются',
    many: '{count} переподключаются',
    other: '{count} переподключаются',
  },
  'tooltip.more.error': {
    one: '{count} с ошибкой',
    few: '{count} с ошибкой',
    many: '{count} с ошибкой',
    other: '{count} с ошибкой',
  },
  'tooltip.more.offline': {
    one: '{count} не в сети',
    few: '{count} не в сети',
    many: '{count} не в сети',
    other: '{count} не в сети',
  },
  'tooltip.unread': {
    one: '{count} непрочитанное сообщение',
    few: '{count} непрочитанных сообщения',
    many: '{count} непрочитанных сообщений',
    other: '{count} непрочитанного сообщения',
  },
  'tooltip.requests': {
    one: '{count} запрос контакта',
    few: '{count} запроса контактов',
    many: '{count} запросов контактов',
    other: '{count} запроса контактов',
  },

  'menu.unread': {
    one: '{count} непрочитанное сообщение…',
    few: '{count} непрочитанных сообщения…',
    many: '{count} непрочитанных сообщений…',
    other: '{count} непрочитанного сообщения…',
  },
  'menu.requests': {
    one: '{count} запрос контакта…',
    few: '{count} запроса контактов…',
    many: '{count} запросов контактов…',
    other: '{count} запроса контактов…',
  },
  'menu.setAll': 'Статус для всех аккаунтов',
  'menu.account': '{name} — {state}',
  'menu.show': 'Показать Jabberwock',
  'menu.hide': 'Скрыть Jabberwock',
  'menu.quit': 'Выход',

  'badge.unread': {
    one: '{count} непрочитанное сообщение',
    few: '{count} непрочитанных сообщения',
    many: '{count} непрочитанных сообщений',
    other: '{count} непрочитанного сообщения',
  },

  'notification.inRoom': '{nick} в {room}',
  'notification.private': '{nick} (лично, {room})',
  'notification.reply': 'Ответить…',
  'notification.markRead': 'Отметить как прочитанное',

  'hint.title.tray': 'Jabberwock продолжает работать в трее',
  'hint.title.menuBar': 'Jabberwock продолжает работать в строке меню',
  'hint.body.tray':
    'Вы остаётесь в сети и получаете уведомления. Чтобы выйти, щёлкните значок Jabberwock в трее и выберите «Выход» в его меню.',
  'hint.body.menuBar':
    'Вы остаётесь в сети и получаете уведомления. Чтобы выйти, щёлкните значок Jabberwock в строке меню и выберите «Выход» в его меню или нажмите ⌘Q.',
  'hint.ok': 'OK',

  'context.noSuggestions': 'Нет вариантов написания',
  'context.addToDictionary': 'Добавить в словарь',
  'context.openLink': 'Открыть ссылку в браузере…',
  'context.copyLink': 'Копировать адрес ссылки',
  'context.inspect': 'Просмотреть код элемента',

  'link.refused': 'Jabberwock не открывает ссылки такого вида.',
  'link.ask': 'Открыть ссылку на {host}?',
  'link.open': 'Открыть',
  'link.cancel': 'Отмена',
  'link.ok': 'OK',

  'start.failed': 'Jabberwock не может запуститься',
};
