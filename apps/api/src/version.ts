import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The api package's version, read once (src/ and dist/ sit at the same depth). */
export const VERSION: string = (JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as { version: string }).version;
