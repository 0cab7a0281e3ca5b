/**
 * Applies the server's V8 heap settings (server/heap-settings.ts). Imported first by
 * server/main.ts, so that they are in place before anything is allocated.
 */
import { applyHeapSettings } from './heap-settings.js';

applyHeapSettings(process.execArgv, process.env.NODE_OPTIONS);
