// Runs in the browser before the app hydrates (Next's client instrumentation hook).
import { z } from 'zod';

/**
 * The dashboard's CSP has no 'unsafe-eval'. zod compiles object parsers with `new Function`
 * when it may, and decides so when a schema is built (when @fanout/contracts loads); even its
 * probe is reported as a CSP violation. Interpreted parsing gives the same results, so switch
 * compilation off here, before any contract schema exists. Import nothing else in this file.
 */
z.config({ jitless: true });
