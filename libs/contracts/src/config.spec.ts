import { describe, expect, it } from 'vitest';
import { ConfigError, configDocs, configSchema, loadConfig } from './config';

function problemsOf(env: Record<string, string>) {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const cfg = loadConfig({});
    expect(cfg).toMatchObject({ API_PORT: 4000, WEB_PORT: 3000, RTMP_PORT: 1935, DATA_DIR: '.data', INGEST_GRACE_S: 10 });
    expect(cfg.DATABASE_URL).toBeUndefined();
  });

  it('names API_PORT when it is not a number', () => {
    const problems = problemsOf({ API_PORT: 'abc' });
    expect(problems).toEqual([{ variable: 'API_PORT', message: expect.stringMatching(/number/) }]);
    expect(() => loadConfig({ API_PORT: 'abc' })).toThrow(/API_PORT/);
  });

  it('lists every bad variable in one error', () => {
    const problems = problemsOf({ API_PORT: '70000', RTMP_PORT: 'x', DATABASE_URL: 'mysql://db', LOG_LEVEL: 'loud' });
    expect(problems.map((p) => p.variable).sort()).toEqual(['API_PORT', 'DATABASE_URL', 'LOG_LEVEL', 'RTMP_PORT']);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', API_PORT: '  ' }).API_PORT).toBe(4000);
  });

  it('requires the admin email and password together', () => {
    expect(problemsOf({ ADMIN_EMAIL: 'a@b.co' })).toEqual([{ variable: 'ADMIN_PASSWORD', message: expect.any(String) }]);
  });

  it('rejects two services on one port', () => {
    expect(problemsOf({ API_PORT: '3000' })[0]?.variable).toBe('WEB_PORT');
  });

  it('does not echo secret values in its messages', () => {
    const error = (() => {
      try {
        loadConfig({ SECRET_KEY: 'hunter2-not-hex', ADMIN_PASSWORD: 'short', ADMIN_EMAIL: 'a@b.co' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/SECRET_KEY/);
    expect(error?.message).not.toMatch(/hunter2/);
    expect(error?.message).not.toMatch(/short/);
  });

  it('documents every variable it reads', () => {
    expect(Object.keys(configDocs).sort()).toEqual(Object.keys(configSchema.shape ?? {}).sort());
  });
});

describe('README configuration table', () => {
  it('has a row for every variable', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../../../README.md', `file://${__filename}`), 'utf8');
    for (const name of Object.keys(configDocs)) expect(readme).toContain(`| \`${name}\` |`);
  });
});
