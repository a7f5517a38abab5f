/**
 * `npm test`: every project's checks and test suites, then one summary line.
 *
 *   - lint and typecheck of every project (each counts as one check);
 *   - each project's Vitest suites, in dependency order, with a JSON report read back
 *     for the counts (a suite that crashes before reporting counts as failed).
 *
 * The last line is `N passed, N failed` (`, N skipped` when any were skipped).
 * With CI=true a skipped test is a failure: no suite may skip itself for a missing tool.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { packageBin } from './tools';
import { join } from 'node:path';

const root = join(__dirname, '..');
const projects = ['libs/contracts', 'libs/rtmp', 'libs/mp4', 'libs/restream', 'apps/api', 'apps/web'];
const ci = process.env.CI === 'true';
const only = process.argv.slice(2);
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NEXT_TELEMETRY_DISABLED: '1', FORCE_COLOR: process.env.FORCE_COLOR ?? '1' };

let passed = 0;
let failed = 0;
let skipped = 0;
const failures: string[] = [];

function record(name: string, ok: boolean) {
  if (ok) passed++;
  else {
    failed++;
    failures.push(name);
  }
}

const selected = only.length ? projects.filter((p) => only.some((o) => p.includes(o))) : projects;

// 1. Static checks through Nx (cached when nothing changed).
if (!process.env.FANOUT_SKIP_CHECKS) {
  for (const target of ['lint', 'typecheck']) {
    for (const project of selected) {
      const name = JSON.parse(readFileSync(join(root, project, 'package.json'), 'utf8')).name as string;
      console.log(`\n── ${target} ${name}`);
      const result = spawnSync(process.execPath, [packageBin('nx'), 'run', `${name}:${target}`, '--output-style=stream'], {
        cwd: root,
        env,
        stdio: 'inherit',
      });
      record(`${target} ${name}`, result.status === 0);
    }
  }
}

// 2. Test suites.
const reports = mkdtempSync(join(tmpdir(), 'fanout-test-'));
for (const project of selected) {
  const dir = join(root, project);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; scripts?: Record<string, string> };
  if (!pkg.scripts?.test) continue;
  console.log(`\n── test ${pkg.name}`);
  if (pkg.scripts.generate) {
    const gen = spawnSync('npm', ['run', '--silent', 'generate'], { cwd: dir, env, stdio: 'inherit' });
    if (gen.status !== 0) {
      record(`generate ${pkg.name}`, false);
      continue;
    }
  }
  const report = join(reports, `${pkg.name.replace(/\W/g, '_')}.json`);
  const result = spawnSync(
    process.execPath,
    [packageBin('vitest'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    { cwd: dir, env, stdio: 'inherit' },
  );
  if (!existsSync(report)) {
    record(`test ${pkg.name} (no report; exit ${result.status})`, false);
    continue;
  }
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
    testResults: { name: string; status: string; assertionResults: { fullName: string; status: string }[] }[];
  };
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  skipped += json.numPendingTests + json.numTodoTests;
  for (const file of json.testResults) {
    for (const test of file.assertionResults) if (test.status === 'failed') failures.push(`${pkg.name}: ${test.fullName}`);
    // A file that fails to load has no assertions but still failed.
    if (file.status === 'failed' && file.assertionResults.every((t) => t.status !== 'failed')) {
      failed++;
      failures.push(`${pkg.name}: ${file.name} (suite failed to run)`);
    }
  }
  if (result.status !== 0 && json.numFailedTests === 0 && json.numFailedTestSuites === 0) {
    record(`test ${pkg.name} (vitest exited ${result.status})`, false);
  }
}
rmSync(reports, { recursive: true, force: true });

if (ci && skipped > 0) {
  failures.push(`${skipped} skipped test(s): with CI=true nothing may skip`);
  failed += skipped;
  skipped = 0;
}

if (failures.length) {
  console.log('\nFailures:');
  for (const f of failures) console.log(`  ✗ ${f}`);
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
