/** IPC channel names shared by the Electron shell and the preload (kept apart from zod so the preload stays tiny). */
export const IPC_INVOKE = 'jabberwock:invoke';
export const IPC_EVENTS = 'jabberwock:events';
/**
 * The argument the shell adds to the renderer's command line with the OS's language (app.getLocale()),
 * which the preload hands to the page as window.jabberwock.locale.
 */
export const LOCALE_ARGUMENT = '--jabberwock-locale=';
/** What a language tag may look like ('de', 'en-US', 'zh-Hant-TW'): anything else is not handed on. */
export const LOCALE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$/;
