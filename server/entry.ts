/**
 * The built server's entry, dist/server/main.js: V8's heap settings first, then the server
 * (dist/server/server.js, the bundle of server/main.ts). The server's bundle imports its npm
 * packages at its top, and an ES module's imports are evaluated before any of its own code: applied
 * inside that bundle, the settings came after those packages had loaded, and V8 had grown the
 * young generation to 16 MB meanwhile (docs/benchmarks.md, issue 13, seventeenth round). The
 * entry must import nothing but node's own modules and the server (a test reads the built file).
 */
import './apply-heap-settings.js';

// Built, this is dist/server/server.js (scripts/build-server.ts); under tsx, server/main.ts.
await import('./main.js');
