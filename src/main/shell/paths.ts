/** Where the shell finds its bundled files, in development and in the packaged app. */
import path from 'node:path';
import { app } from 'electron';

// The main bundle is out/main/index.js; the preload and the renderer sit beside it in out/.
export function preloadPath(): string {
  return path.join(__dirname, '../preload/index.cjs');
}

export function rendererRoot(): string {
  return path.join(__dirname, '../renderer');
}

/** Files from resources/ (icons), shipped as extraResources by electron-builder.yml. */
export function resourcePath(name: string): string {
  const base = app.isPackaged
    ? path.join(process.resourcesPath, 'resources')
    : path.join(app.getAppPath(), 'resources');
  return path.join(base, name);
}
