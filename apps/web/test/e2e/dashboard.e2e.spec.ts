// @vitest-environment node
/**
 * The dashboard in a real browser against the real platform (`npm start`): sign in, create a
 * stream, add a destination pointing at a local RTMP sink, publish with ffmpeg to the URL and
 * key read through the page's copy buttons, and watch the live state, the charts and failures.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only: the e2e needs a real RTMP destination, and Fanout's own server is the one we trust.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { RtmpServer } from '@fanout/rtmp';
import { CHROMIUM, HAVE_CHROMIUM, HAVE_FFMPEG, type Proc, freePort, skipWithout, spawnLogged, stop, waitFor } from './support';

const root = join(import.meta.dirname, '../../../..');
const webDir = join(root, 'apps/web');
const SINK_KEY = 'sink-key-e2e';
const EMAIL = 'owner@example.com';
const PASSWORD = 'correct horse battery';

const skip = skipWithout('ffmpeg', HAVE_FFMPEG) || skipWithout('chromium', HAVE_CHROMIUM);

/**
 * A local RTMP destination: our RtmpServer accepting publishes with one key (refusing others),
 * on `port` when given (a sink that comes back where it died).
 */
async function startSink(port = 0) {
  const server = new RtmpServer();
  const counts = { media: 0, accepted: 0, rejected: 0, unpublished: 0 };
  server.on('session', (session) => {
    session.on('publish', (request) => {
      if (request.streamName !== SINK_KEY) {
        counts.rejected += 1;
        request.reject('badName', 'unknown stream key');
        return;
      }
      counts.accepted += 1;
      request.accept();
    });
    session.on('unpublish', () => (counts.unpublished += 1));
    session.on('video', () => (counts.media += 1));
  });
  let listening: { port: number } | undefined;
  for (let attempt = 0; attempt < 40 && !listening; attempt++) {
    try {
      listening = await server.listen(port, '127.0.0.1');
    } catch (error) {
      if (port === 0 || attempt === 39) throw error;
      await new Promise((r) => setTimeout(r, 250)); // the old socket is still closing
    }
  }
  return { server, port: listening!.port, url: `rtmp://127.0.0.1:${listening!.port}/live`, counts, mediaMessages: () => counts.media };
}

/**
 * Into artifacts/ (git-ignored). With UPDATE_SCREENSHOTS=1 the README's two are also copied to
 * apps/web/docs/screenshots, so an ordinary test run never dirties the checkout.
 */
async function screenshot(page: Page, name: string, docs = true) {
  const artifacts = join(root, 'artifacts');
  await mkdir(artifacts, { recursive: true });
  const path = join(artifacts, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  if (!docs || process.env.UPDATE_SCREENSHOTS !== '1') return;
  const docsDir = join(webDir, 'docs/screenshots');
  await mkdir(docsDir, { recursive: true });
  await copyFile(path, join(docsDir, `${name}.png`));
}

describe.skipIf(skip)('dashboard end to end (browser, platform, ffmpeg)', () => {
  let dataDir = '';
  let profileDir = '';
  let platform: Proc | undefined;
  let ffmpeg: Proc | undefined;
  let sink: Awaited<ReturnType<typeof startSink>> | undefined;
  let context: BrowserContext | undefined;
  let origin = '';
  const logs = () => `${platform?.output() ?? ''}\n--- ffmpeg ---\n${ffmpeg?.output() ?? ''}`;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fanout-web-e2e-'));
    profileDir = await mkdtemp(join(tmpdir(), 'fanout-web-e2e-chromium-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      FORCE_COLOR: '0',
      HOST: '127.0.0.1',
      API_PORT: String(await freePort()),
      WEB_PORT: String(await freePort()),
      RTMP_PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
      DATA_DIR: dataDir,
      ADMIN_EMAIL: EMAIL,
      ADMIN_PASSWORD: PASSWORD,
      DATABASE_URL: '',
      NEXT_TELEMETRY_DISABLED: '1',
    };
    origin = `http://127.0.0.1:${env.WEB_PORT}`;

    // `npm start` exactly as a user runs it (through tsx); it builds what is not built yet
    // (Nx reuses cached builds), then starts the API, the database and the dashboard.
    platform = spawnLogged(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'scripts/start.ts')], { cwd: root, env });
    const started = platform;
    // The one wait allowed past 60 s: a cold build. With a warm Nx cache this takes seconds.
    const buildDeadline = Date.now() + 240_000;
    while (!started.output().includes('Fanout is running')) {
      if (started.child.exitCode !== null) throw new Error(`npm start exited:\n${started.output().slice(-4000)}`);
      if (Date.now() > buildDeadline) throw new Error(`npm start did not come up within 240 s:\n${started.output().slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await waitFor('the dashboard', async () => (await fetch(`${origin}/login`).catch(() => undefined))?.status === 200, 60_000, logs);

    sink = await startSink();
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 800 },
      timeout: 60_000,
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    context.setDefaultTimeout(60_000);
    // Every page runs under the dashboard's CSP: record each violation the browser reports.
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const list = ((window as unknown as { __csp?: string[] }).__csp ??= []);
        list.push(`${event.violatedDirective} ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber} on ${location.pathname}`);
        console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
      });
    });
  }, 330_000);

  afterAll(async () => {
    await stop(ffmpeg, 5_000, 'SIGKILL');
    await context?.close().catch(() => undefined);
    await sink?.server.close().catch(() => undefined);
    await stop(platform, 30_000, 'SIGINT');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  }, 90_000);

  // One browser page and one broadcast, shared by the steps below in order (each step needs the one before).
  let page: Page;
  const consoleErrors: string[] = [];
  let server = '';
  let key = '';
  let card: ReturnType<Page['locator']>;
  const poll = { timeout: 60_000, interval: 250 };
  const PASSWORD_2 = 'a new and longer passphrase';

  const publish = () =>
    spawnLogged('ffmpeg', [
      '-nostdin', '-loglevel', 'error', '-re',
      '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30',
      '-f', 'lavfi', '-i', 'sine',
      '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '60',
      '-c:a', 'aac',
      '-t', '180', '-f', 'flv', `${server}/${key}`,
    ]);
  const notifications = () => page.getByRole('region', { name: 'Notifications' });

  it('signs in, creates a stream, adds a destination and tests its connection while idle, reading the server and key through the copy buttons', async () => {
    page = context!.pages()[0] ?? (await context!.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });

    // Every response carries the security headers, and pages a nonce-based CSP.
    const login = await page.goto(`${origin}/login`);
    const csp = login!.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(login!.headers()['x-content-type-options']).toBe('nosniff');
    expect(login!.headers()['referrer-policy']).toBe('same-origin');

    // Sign in (the owner was created from ADMIN_EMAIL / ADMIN_PASSWORD).
    await page.goto(`${origin}/login`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/streams`);

    // Create a stream; it opens its page.
    await page.getByLabel('New stream name').fill('E2E broadcast');
    await page.getByRole('button', { name: 'Create stream' }).click();
    await page.waitForURL(/\/streams\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('E2E broadcast');

    // A Custom destination pointing at the local sink.
    const addDestination = async (name: string, streamKey: string) => {
      await page.getByRole('button', { name: 'Add destination' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add destination' });
      await dialog.getByLabel('Platform').selectOption('custom');
      await dialog.getByLabel('Server URL').fill(sink!.url);
      await dialog.getByLabel('Stream key').fill(streamKey);
      await dialog.getByLabel('Name').fill(name);
      await dialog.getByRole('button', { name: 'Add destination' }).click();
      await dialog.waitFor({ state: 'detached' });
    };
    await addDestination('Local sink', SINK_KEY);
    card = page.locator('li[data-destination-id]', { has: page.getByRole('heading', { name: 'Local sink' }) });
    await card.waitFor();
    await expect.poll(() => card.getAttribute('data-state')).toBe('idle');

    // Test connection: says what happens at the platform, publishes, unpublishes, no media.
    const before = { ...sink!.counts };
    await card.getByRole('button', { name: 'Test connection to Local sink' }).click();
    const test = page.getByRole('dialog', { name: 'Test Local sink' });
    await expect.poll(() => test.textContent()).toContain('stops at once without sending audio or video');
    await test.getByRole('button', { name: 'Run test' }).click();
    await expect.poll(() => test.getByTestId('test-result').textContent(), poll).toContain('Connected: the server accepted the stream key');
    await expect.poll(() => sink!.counts.unpublished, poll).toBeGreaterThan(before.unpublished);
    expect(sink!.counts.accepted).toBe(before.accepted + 1);
    expect(sink!.counts.media).toBe(before.media);
    await test.getByRole('button', { name: 'Close' }).click();

    // The same test with the wrong key says so in plain words; then the destination goes.
    await addDestination('Wrong key', 'not-the-right-key');
    const wrong = page.locator('li[data-destination-id]', { has: page.getByRole('heading', { name: 'Wrong key' }) });
    await wrong.getByRole('button', { name: 'Test connection to Wrong key' }).click();
    const wrongTest = page.getByRole('dialog', { name: 'Test Wrong key' });
    await wrongTest.getByRole('button', { name: 'Run test' }).click();
    await expect.poll(() => wrongTest.getByTestId('test-result').textContent(), poll).toContain('Could not publish: Rejected stream key');
    await wrongTest.getByRole('button', { name: 'Close' }).click();
    await wrong.getByRole('button', { name: 'Delete Wrong key' }).click();
    await page.getByRole('dialog', { name: 'Delete Wrong key?' }).getByRole('button', { name: 'Delete destination' }).click();
    await wrong.waitFor({ state: 'detached' });
    await screenshot(page, 'stream-idle');

    // Read the server URL and the key through the copy buttons, as a streamer would.
    await page.getByRole('button', { name: 'Copy server' }).click();
    server = await page.evaluate(() => navigator.clipboard.readText());
    await page.getByRole('button', { name: 'Copy stream key' }).click();
    key = await page.evaluate(() => navigator.clipboard.readText());
    expect(server).toMatch(/^rtmp:\/\/127\.0\.0\.1:\d+\/live$/);
    expect(key).toMatch(/^live_/);
  }, 120_000);

  it('goes live, backfills the charts after a reload mid-broadcast, and fits a phone with the server and key first', async () => {
    ffmpeg = publish();

    // Live: the stream, the destination, and a non-zero bitrate on the destination chart's series.
    await expect.poll(() => page.getByTestId('stream-live').textContent(), poll).toContain('Live');
    await expect.poll(() => card.getAttribute('data-state'), poll).toBe('live');
    const bitrate = page.locator('[data-testid="destination-bitrate"]').first();
    await expect.poll(async () => Number((await bitrate.getAttribute('data-kbps')) || 0), poll).toBeGreaterThan(0);
    expect(sink!.mediaMessages()).toBeGreaterThan(0);
    await page.waitForTimeout(8_000); // a few seconds of chart for the screenshot, and of samples written for the reload
    await expect.poll(async () => Number((await page.getByTestId('live-ingest-bitrate').getAttribute('data-value')) || 0), poll).toBeGreaterThan(0);
    expect(await page.getByTestId('live-health-timeline').locator('[data-destination-id] [data-state="live"]').count()).toBeGreaterThan(0);
    await screenshot(page, 'stream-live');

    // Reload mid-broadcast: the charts come back with the minutes before, not empty.
    const reloadedAt = Date.now();
    await page.reload();
    await expect.poll(() => page.getByTestId('stream-live').textContent(), poll).toContain('Live');
    const chart = page.getByTestId('live-ingest-chart');
    await expect
      .poll(async () => Number(await chart.getAttribute('data-points')) - (Date.now() - reloadedAt) / 1000, { timeout: 20_000, interval: 250 })
      .toBeGreaterThan(4);
    card = page.locator('li[data-destination-id]', { has: page.getByRole('heading', { name: 'Local sink' }) });

    // Phone width: nothing may overflow sideways; the ingest card comes first; URLs are whole.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(500); // charts follow their container through a ResizeObserver
    const overflow = await page.evaluate(() => ({
      width: document.documentElement.scrollWidth,
      widest: [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
    }));
    expect(overflow.width, overflow.widest.join('\n')).toBeLessThanOrEqual(390);
    const ingestTop = (await page.getByRole('heading', { name: 'Ingest', exact: true }).boundingBox())!.y;
    const destinationsTop = (await page.getByRole('heading', { name: 'Destinations', exact: true }).boundingBox())!.y;
    expect(ingestTop).toBeLessThan(destinationsTop);
    const url = card.getByTestId('destination-url');
    expect(await url.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.textContent!.includes('rtmp://127.0.0.1:'))).toBe(true);
    await screenshot(page, 'stream-live-390', false);
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 120_000);

  it('switches a destination off and on while live; a dying destination raises a toast and the Streams badge, and Retry now brings it back', async () => {
    // Switch the destination off while live, then on again.
    const toggle = page.getByRole('switch', { name: 'Send to Local sink' });
    await toggle.click();
    await expect.poll(() => card.getAttribute('data-state'), poll).toBe('disabled');
    await expect.poll(() => card.getByTestId('state-label').textContent(), poll).toBe('Disabled');
    await toggle.click();
    await expect.poll(() => card.getAttribute('data-state'), poll).toBe('live');

    // The sink dies: the destination reconnects, with a countdown; a toast and the badge say so.
    const port = sink!.port;
    await sink!.server.close();
    await expect.poll(() => card.getByTestId('state-label').textContent(), poll).toMatch(/^Reconnecting( in \d+ s| now)?$/);
    await expect.poll(() => card.getByTestId('state-label').textContent(), poll).toMatch(/^Reconnecting in \d+ s$/);
    await expect.poll(() => notifications().getByRole('alert').first().textContent(), poll).toContain('Local sink lost its connection');
    const badge = page.getByRole('navigation', { name: 'Main' }).getByTestId('streams-failing-badge');
    await expect.poll(() => badge.textContent(), poll).toContain('1 stream has a failing destination');

    // It comes back where it was; Retry now connects at once instead of waiting out the backoff
    // (once the wait is long enough that the scheduled attempt cannot beat the click).
    await expect.poll(() => card.getByTestId('state-label').textContent(), poll).toMatch(/^Reconnecting in ([2-9]|\d\d+) s$/);
    sink = await startSink(port);
    await card.getByRole('button', { name: 'Retry Local sink now' }).click();
    await expect.poll(() => card.getAttribute('data-state'), poll).toBe('live');
    await expect.poll(() => notifications().getByText('Local sink is live again').count(), poll).toBe(1);
    await expect.poll(() => badge.count(), poll).toBe(0);
  }, 120_000);

  it('counts down the grace window when the encoder drops out, with destinations holding, then ends the broadcast', async () => {
    await stop(ffmpeg, 5_000, 'SIGKILL');
    const countdown = page.getByTestId('grace-countdown');
    // New streams have the slate on: once it is rendered, the countdown says it is on air.
    await expect.poll(() => countdown.textContent(), poll).toMatch(/Publisher lost · (slate on air · )?destinations end in \d+ s/);
    await expect.poll(() => card.getByTestId('state-label').textContent(), poll).toBe('Holding');
    expect(await card.textContent()).not.toMatch(/kb\/s|Mb\/s/);
    const first = Number(/end in (\d+) s/.exec((await countdown.textContent())!)![1]);
    await screenshot(page, 'stream-grace');
    await expect.poll(async () => Number(/end in (\d+) s/.exec((await countdown.textContent()) ?? '')?.[1] ?? 99), poll).toBeLessThan(first);
    // The window runs out: the broadcast ends, the destination goes idle.
    await expect.poll(() => page.getByTestId('stream-live').textContent(), poll).toContain('Idle');
    await expect.poll(() => card.getAttribute('data-state'), poll).toBe('idle');
    await expect.poll(() => countdown.count()).toBe(0);

    // History: the session as a health timeline, the change log behind "Every change".
    const history = page.getByRole('region', { name: 'History' });
    await history.getByRole('button', { name: 'Details' }).first().click();
    const timeline = history.locator('[data-testid$="-health-timeline"]');
    await expect.poll(() => timeline.locator('[data-destination-id] [data-state="live"]').count(), poll).toBeGreaterThan(0);
    expect(await history.textContent()).not.toContain('Now');
    await history.getByText(/Every change, as a list/).click();
    const log = history.locator('details[open]');
    await expect.poll(() => log.count(), poll).toBe(1);
    expect(await log.textContent()).toMatch(/Local sink.*up/s);
  }, 120_000);

  it('renames a stream and deletes one by typing its name', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Streams' }).click();
    await page.waitForURL(`${origin}/streams`);
    await page.getByRole('link', { name: 'E2E broadcast' }).waitFor();
    await screenshot(page, 'streams-list', false);
    await page.getByLabel('New stream name').fill('Throwaway');
    await page.getByRole('button', { name: 'Create stream' }).click();
    await page.waitForURL(/\/streams\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Rename' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename stream' });
    await rename.getByLabel('Name', { exact: true }).fill('Renamed stream');
    await rename.getByRole('button', { name: 'Save name' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), poll).toBe('Renamed stream');
    await page.getByRole('button', { name: 'Delete…' }).click();
    const remove = page.getByRole('dialog', { name: 'Delete Renamed stream?' });
    expect(await remove.getByRole('button', { name: 'Delete stream' }).isDisabled()).toBe(true);
    await remove.getByLabel('Type “Renamed stream” to confirm').fill('Renamed stream');
    await remove.getByRole('button', { name: 'Delete stream' }).click();
    await page.waitForURL(`${origin}/streams`);
    await page.getByRole('link', { name: 'E2E broadcast' }).waitFor();
    expect(await page.getByRole('link', { name: 'Renamed stream' }).count()).toBe(0);
  }, 60_000);

  it('shows the last broadcast and a live uptime in settings, the test in the audit log, changes the password, and signs out', async () => {
    // Settings: a personal API token is shown once; the uptime counts on; the last broadcast is there.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Users and roles' }).waitFor();
    await page.getByLabel('Token name').fill('e2e');
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect.poll(() => page.getByLabel('New API token').inputValue(), poll).toMatch(/^fo_pat_/);
    const status = page.getByRole('region', { name: 'System status' });
    await expect.poll(() => status.textContent(), poll).toMatch(/Last broadcastE2E broadcast, ended .+ ago after .+ on air/);
    const uptime = await page.getByTestId('system-uptime').textContent();
    await expect.poll(() => page.getByTestId('system-uptime').textContent(), { timeout: 10_000, interval: 250 }).not.toBe(uptime);
    await screenshot(page, 'settings', false);

    // The audit log: the connection test, filtered by action.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(`${origin}/settings/audit`);
    await page.getByLabel('Action').selectOption({ label: 'Tested destination' });
    await page.waitForURL(/action=destination\.test/);
    const entries = page.getByRole('region', { name: 'Audit entries' });
    await expect.poll(() => entries.locator('[data-action="destination.test"]').count(), poll).toBe(2);
    // The filtered page replaces the whole list (the two tests were on the unfiltered one too).
    await expect.poll(() => entries.locator('[data-action]:not([data-action="destination.test"])').count(), poll).toBe(0);
    await expect.poll(() => entries.textContent()).toContain(`${EMAIL} tested destination Local sink`);
    await page.getByLabel('Action').selectOption({ label: 'Retried destination now' });
    await expect.poll(() => entries.textContent(), poll).toContain(`${EMAIL} retried destination now Local sink`);
    await screenshot(page, 'audit', false);

    // Your account: this browser is listed as signed in; change the password.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Your password and signed-in browsers' }).click();
    await page.waitForURL(`${origin}/settings/account`);
    await page.getByRole('list', { name: 'Your sessions' }).getByText('This browser').waitFor();
    await screenshot(page, 'account', false);
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill(PASSWORD_2);
    await page.getByLabel('New password again').fill(PASSWORD_2);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Password changed' }).count(), poll).toBe(1);

    // Sign out, and back in with the new password.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${origin}/login`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD_2);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/streams`);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${origin}/login`);

    // No page broke under the CSP: the browser reported no violation and logged no CSP error.
    expect(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).toEqual([]);
    expect(consoleErrors.filter((text) => /Content[- ]Security[- ]Policy|CSP violation/i.test(text))).toEqual([]);
  }, 120_000);

  it('plays the live preview within a second or two of the encoder: glass-to-glass measured from a wall clock burnt into the frames', async () => {
    await context!.clearCookies(); // signed out, whatever the step before left
    const page = await context!.newPage();
    await page.goto(`${origin}/login`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD_2);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/streams`);
    await page.getByLabel('New stream name').fill('Preview check');
    await page.getByRole('button', { name: 'Create stream' }).click();
    await page.waitForURL(/\/streams\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Copy server' }).click();
    const server = await page.evaluate(() => navigator.clipboard.readText());
    await page.getByRole('button', { name: 'Copy stream key' }).click();
    const key = await page.evaluate(() => navigator.clipboard.readText());
    await page.getByText('The preview starts when you go live.').waitFor();

    // The capture wall clock, in milliseconds mod 65536, as 16 black/white blocks on the top
    // row of each frame: RTCTIME is read as each frame is generated (-re paces that), so a
    // block pattern the browser reads back says when that frame was "in front of the camera".
    const bits = Array.from({ length: 16 }, (_, i) => `drawbox=x=${i * 40}:y=0:w=40:h=40:color=white:t=fill:enable='mod(floor(mod(t*1000\,65536)/${2 ** i})\,2)'`).join(',');
    ffmpeg = spawnLogged('ffmpeg', [
      '-nostdin', '-loglevel', 'error', '-re',
      '-f', 'lavfi', '-i', `color=c=black:s=640x360:r=30,format=yuv420p,settb=1/1000000,setpts=RTCTIME,${bits},setpts=N/(30*TB)`,
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-map', '0:v', '-map', '1:a',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-g', '30', '-b:v', '1500k',
      '-c:a', 'aac', '-t', '40', '-f', 'flv', `${server}/${key}`,
    ]);

    const poll = { timeout: 60_000, interval: 250 };
    await expect.poll(() => page.getByTestId('stream-live').textContent(), poll).toContain('Live');
    // The video plays: its clock advances, at the ingest's own size.
    await page.waitForFunction(() => {
      const video = document.querySelector<HTMLVideoElement>('[data-testid="preview-video"]');
      return video !== null && video.currentTime > 0.5 && video.videoWidth > 0;
    }, undefined, { timeout: 30_000 });
    const sample = () => page.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement>('[data-testid="preview-video"]')!;
      return { t: video.currentTime, width: video.videoWidth, height: video.videoHeight, muted: video.muted };
    });
    const first = await sample();
    await page.waitForTimeout(1_500);
    const second = await sample();
    expect(second.t - first.t).toBeGreaterThan(0.8);
    expect([second.width, second.height]).toEqual([640, 360]);
    await expect.poll(() => page.getByTestId('preview-received').textContent(), poll).toBe('H.264 · 640×360 · AAC');

    // Glass to glass: for 60 presented frames, when the frame is shown (requestVideoFrameCallback's
    // expected display time, on the same wall clock) minus the time burnt into it.
    await page.waitForTimeout(3_000); // the player settles at the live edge
    const delays = await page.evaluate(
      () =>
        new Promise<number[]>((resolve) => {
          const video = document.querySelector<HTMLVideoElement>('[data-testid="preview-video"]')!;
          const canvas = document.createElement('canvas');
          canvas.width = 640;
          canvas.height = 360;
          const g = canvas.getContext('2d', { willReadFrequently: true })!;
          const out: number[] = [];
          const onFrame = (_now: number, meta: { expectedDisplayTime: number }) => {
            g.drawImage(video, 0, 0, 640, 360);
            const row = g.getImageData(0, 20, 640, 1).data;
            let stamp = 0;
            for (let i = 0; i < 16; i++) if (row[(i * 40 + 20) * 4]! > 128) stamp |= 1 << i;
            const shown = Math.round(performance.timeOrigin + meta.expectedDisplayTime) % 65536;
            out.push((shown - stamp + 65536) % 65536);
            if (out.length < 60) video.requestVideoFrameCallback(onFrame);
            else resolve(out);
          };
          video.requestVideoFrameCallback(onFrame);
        }),
    );
    const sorted = [...delays].sort((a, b) => a - b);
    const median = sorted[30]!;
    console.log(`preview glass-to-glass over 60 frames: median ${median} ms, p90 ${sorted[54]} ms, min ${sorted[0]} ms, max ${sorted[59]} ms`);
    expect(sorted[0]).toBeGreaterThanOrEqual(0);
    expect(median).toBeLessThan(2_000);

    // Unmuted, the meter moves with the 440 Hz tone.
    await page.getByRole('button', { name: 'Unmute' }).click();
    await page.getByRole('button', { name: 'Mute' }).waitFor();
    const meter = page.getByRole('meter', { name: 'Audio level' });
    await expect.poll(async () => Number(await meter.getAttribute('aria-valuenow')), poll).toBeGreaterThan(10);
    await screenshot(page, 'stream-preview', false);

    // The encoder drops: the last frame stays, and the page says the publisher is lost.
    await stop(ffmpeg, 5_000, 'SIGKILL');
    await page.getByText('Publisher lost · showing the last frame').waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid="preview-video"]')!.videoWidth)).toBe(640);
    await page.close();
  }, 180_000);
});
