/** IPC channel names shared by the Electron shell and the preload (kept apart from zod so the preload stays tiny). */
export const IPC_INVOKE = 'jabberwock:invoke';
export const IPC_EVENTS = 'jabberwock:events';
