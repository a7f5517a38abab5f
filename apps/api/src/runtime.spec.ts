import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../../..');
const runtime = JSON.parse(readFileSync(join(root, 'apps/api/runtime.json'), 'utf8')) as { nodeFlags: string[]; env: Record<string, string> };

describe('apps/api/runtime.json: one way to start the API', () => {
  it('is what the container image runs with', () => {
    const dockerfile = readFileSync(join(root, 'docker/Dockerfile'), 'utf8');
    const cmd = dockerfile.match(/^CMD \["node", (.*)"apps\/api\/dist\/main\.js"\]$/m);
    expect(cmd, 'the API stage starts node apps/api/dist/main.js').not.toBeNull();
    expect(JSON.parse(`[${cmd![1]!.replace(/,\s*$/, '')}]`)).toEqual(runtime.nodeFlags);
    for (const [name, value] of Object.entries(runtime.env)) expect(dockerfile).toContain(`ENV ${name}=${value}`);
  });

  it('is read by npm start and the platform benchmark', () => {
    expect(readFileSync(join(root, 'scripts/start.ts'), 'utf8')).toContain("'apps/api/runtime.json'");
    expect(readFileSync(join(root, 'libs/restream/bench/support/platform.ts'), 'utf8')).toContain("'apps/api/runtime.json'");
  });
});
