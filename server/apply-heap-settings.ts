/**
 * Applies the server's V8 heap settings (server/heap-settings.ts). Imported first by
 * server/entry.ts (the built server's entry) and by server/main.ts (the server under tsx), so that
 * they are in place before anything is allocated. A second application changes nothing.
 */
import { applyHeapSettings } from './heap-settings.js';

applyHeapSettings(process.execArgv, process.env.NODE_OPTIONS);
