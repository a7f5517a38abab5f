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

/** A local RTMP destination: our RtmpServer accepting publishes with one key. */
async function startSink() {
  const server = new RtmpServer();
  let mediaMessages = 0;
  server.on('session', (session) => {
    session.on('publish', (request) => {
      if (request.streamName !== SINK_KEY) {
        request.reject('badName', 'unknown stream key');
        return;
      }
      request.accept();
    });
    session.on('video', () => (mediaMessages += 1));
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, url: `rtmp://127.0.0.1:${port}/live`, mediaMessages: () => mediaMessages };
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

  it('signs in, creates a stream, goes live to a local sink through the copied URL and key, and shows disable, failure and reconnect', async () => {
    const page = context!.pages()[0] ?? (await context!.newPage());
    const consoleErrors: string[] = [];
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
    await page.getByRole('button', { name: 'Add destination' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add destination' });
    await dialog.getByLabel('Platform').selectOption('custom');
    await dialog.getByLabel('Server URL').fill(sink!.url);
    await dialog.getByLabel('Stream key').fill(SINK_KEY);
    await dialog.getByLabel('Name').fill('Local sink');
    await dialog.getByRole('button', { name: 'Add destination' }).click();
    await dialog.waitFor({ state: 'detached' });
    const card = page.locator('li[data-destination-id]', { has: page.getByRole('heading', { name: 'Local sink' }) });
    await card.waitFor();
    await expect.poll(() => card.getAttribute('data-state')).toBe('idle');
    await screenshot(page, 'stream-idle');

    // Read the server URL and the key through the copy buttons, as a streamer would.
    await page.getByRole('button', { name: 'Copy server' }).click();
    const server = await page.evaluate(() => navigator.clipboard.readText());
    await page.getByRole('button', { name: 'Copy stream key' }).click();
    const key = await page.evaluate(() => navigator.clipboard.readText());
    expect(server).toMatch(/^rtmp:\/\/127\.0\.0\.1:\d+\/live$/);
    expect(key).toMatch(/^live_/);

    ffmpeg = spawnLogged('ffmpeg', [
      '-nostdin', '-loglevel', 'error', '-re',
      '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30',
      '-f', 'lavfi', '-i', 'sine',
      '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '60',
      '-c:a', 'aac',
      '-t', '40', '-f', 'flv', `${server}/${key}`,
    ]);

    // Live: the stream, the destination, and a non-zero bitrate on the destination chart's series.
    const poll = { timeout: 60_000, interval: 250 };
    await expect.poll(() => page.getByTestId('stream-live').textContent(), poll).toContain('Live');
    await expect.poll(() => card.getAttribute('data-state'), poll).toBe('live');
    const bitrate = page.locator('[data-testid="destination-bitrate"]').first();
    await expect.poll(async () => Number((await bitrate.getAttribute('data-kbps')) || 0), poll).toBeGreaterThan(0);
    expect(sink!.mediaMessages()).toBeGreaterThan(0);
    await page.waitForTimeout(3_000); // a few seconds of chart for the screenshot
    await screenshot(page, 'stream-live');
    // Phone width: nothing may overflow sideways.
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
    await screenshot(page, 'stream-live-390', false);
    await page.setViewportSize({ width: 1280, height: 800 });

    // Switch the destination off while live, then on again.
    const toggle = page.getByRole('switch', { name: 'Send to Local sink' });
    await toggle.click();
    await expect.poll(() => card.getAttribute('data-state'), poll).toBe('disabled');
    await expect.poll(() => card.getByTestId('state-label').textContent(), poll).toBe('Disabled');
    await toggle.click();
    await expect.poll(() => card.getAttribute('data-state'), poll).toBe('live');

    // The sink dies: the destination reconnects, with a countdown.
    await sink!.server.close();
    await expect.poll(() => card.getByTestId('state-label').textContent(), poll).toMatch(/^Reconnecting( in \d+ s| now)?$/);
    await expect.poll(() => card.getByTestId('state-label').textContent(), poll).toMatch(/^Reconnecting in \d+ s$/);

    // The streams list shows it live with its destination health.
    await stop(ffmpeg, 5_000, 'SIGKILL');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Streams' }).click();
    await page.waitForURL(`${origin}/streams`);
    await page.getByRole('link', { name: 'E2E broadcast' }).waitFor();
    await screenshot(page, 'streams-list', false);

    // Settings: a personal API token is shown once.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Users and roles' }).waitFor();
    await page.getByLabel('Token name').fill('e2e');
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect.poll(() => page.getByLabel('New API token').inputValue(), poll).toMatch(/^fo_pat_/);
    await screenshot(page, 'settings', false);

    // Your account: this browser is listed as signed in.
    await page.getByRole('link', { name: 'Your password and signed-in browsers' }).click();
    await page.waitForURL(`${origin}/settings/account`);
    await page.getByRole('list', { name: 'Your sessions' }).getByText('This browser').waitFor();
    await screenshot(page, 'account', false);

    // Sign out.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${origin}/login`);

    // No page broke under the CSP: the browser reported no violation and logged no CSP error.
    expect(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).toEqual([]);
    expect(consoleErrors.filter((text) => /Content[- ]Security[- ]Policy|CSP violation/i.test(text))).toEqual([]);
  }, 240_000);

  it('plays the live preview within a second or two of the encoder: glass-to-glass measured from a wall clock burnt into the frames', async () => {
    const page = await context!.newPage();
    await page.goto(`${origin}/login`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
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
