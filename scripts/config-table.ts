/** Prints the README's configuration table from the zod config's docs: `npx tsx scripts/config-table.ts`. */
import { configDocs, loadConfig } from '../libs/contracts/src/config';

const defaults = loadConfig({}) as Record<string, unknown>;
console.log('| Variable | Default | Meaning |');
console.log('| --- | --- | --- |');
for (const [name, doc] of Object.entries(configDocs)) {
  const value = defaults[name];
  console.log(`| \`${name}\` | ${value === undefined ? '—' : `\`${String(value)}\``} | ${doc} |`);
}
