import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFragments } from '../src';
import { demux, encode } from './support/media';
import { type Muxed, mux } from './support/mux';
import { FFMPEG_AVAILABLE, skipWithout } from './support/tools';

/**
 * The browser check of the brief: Chromium plays a recording from `<video src>` over HTTP with
 * Range requests (served by Playwright's request interception, so no port is opened), knows
 * its duration and seeks in it, both finished and as a crash leaves it.
 */
const CHROMIUM = '/usr/bin/chromium';
const skip = skipWithout('ffmpeg', FFMPEG_AVAILABLE) || skipWithout('chromium', existsSync(CHROMIUM));

interface Played {
  duration: number;
  seekedTo: number;
  readyState: number;
  width: number;
  error: string | null;
}

/** Loads `url` in a video element, reads its duration, seeks to `fraction` of it. */
function play(page: Page, url: string, fraction: number): Promise<Played> {
  // A string, so that no bundler helper leaks into the page.
  return page.evaluate(`(async () => {
    const v = document.createElement('video');
    v.muted = true;
    v.preload = 'auto';
    document.body.appendChild(v);
    const next = (name) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for ' + name)), 20000);
      v.addEventListener(name, () => { clearTimeout(timer); resolve(); }, { once: true });
      v.addEventListener('error', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
    v.src = ${JSON.stringify(url)};
    await next('loadedmetadata');
    if (v.error) return { duration: NaN, seekedTo: NaN, readyState: v.readyState, width: 0, error: v.error.message || String(v.error.code) };
    const duration = v.duration;
    v.currentTime = duration * ${fraction};
    await next('seeked');
    if (v.readyState < 2) await next('canplay');
    return { duration, seekedTo: v.currentTime, readyState: v.readyState, width: v.videoWidth, error: v.error ? (v.error.message || String(v.error.code)) : null };
  })()`) as Promise<Played>;
}

describe.skipIf(skip)('Chromium <video src> over HTTP Range', () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  const files = new Map<string, Buffer>();
  const ranges: string[] = [];
  const muxed: Record<string, Muxed> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fanout-mp4-chromium-'));
    const sources = {
      avc: { file: 'avc-aac.flv', args: ['-c:v', 'libx264', '-g', '30', '-bf', '2', '-c:a', 'aac', '-f', 'flv'] },
      av1: { file: 'av1-opus.mkv', args: ['-c:v', 'libsvtav1', '-g', '30', '-svtav1-params', 'lp=1', '-c:a', 'libopus'] },
    };
    for (const [name, s] of Object.entries(sources)) {
      const path = join(dir, s.file);
      encode(path, 8, s.args);
      const m = mux(demux(path));
      muxed[name] = m;
      files.set(`/${name}.mp4`, m.file);
      // As a crash leaves it: three committed fragments, then half of the fourth, uncommitted.
      const fourth = m.fragments[3]!;
      files.set(`/${name}-crashed.mp4`, Buffer.concat([m.appended.subarray(0, fourth.offset), fourth.bytes.subarray(0, fourth.bytes.length >> 1)]));
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'], timeout: 60_000 });
    page = await browser.newPage();
    await page.route('http://recordings.test/**', async (route) => {
      const path = new URL(route.request().url()).pathname;
      const file = files.get(path);
      if (file === undefined) return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><html><body></body></html>' });
      const range = /^bytes=(\d+)-(\d*)$/.exec(route.request().headers()['range'] ?? '');
      ranges.push(`${path} ${range?.[0] ?? 'whole'}`);
      if (!range) return route.fulfill({ status: 200, contentType: 'video/mp4', headers: { 'accept-ranges': 'bytes' }, body: file });
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), file.length - 1) : file.length - 1;
      return route.fulfill({
        status: 206,
        contentType: 'video/mp4',
        headers: { 'accept-ranges': 'bytes', 'content-range': `bytes ${start}-${end}/${file.length}` },
        body: file.subarray(start, end + 1),
      });
    });
    await page.goto('http://recordings.test/');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['avc', 'av1'])('%s: a finished recording has its duration at once and seeks to 60%%', async (name) => {
    const expected = scanFragments(files.get(`/${name}.mp4`)!).durationMs / 1000;
    const played = await play(page, `http://recordings.test/${name}.mp4`, 0.6);
    expect(played.error).toBeNull();
    expect(played.width).toBe(320);
    expect(Math.abs(played.duration - expected)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(played.seekedTo - expected * 0.6)).toBeLessThanOrEqual(0.05);
    expect(played.readyState).toBeGreaterThanOrEqual(2);
    expect(ranges.some((r) => r.startsWith(`/${name}.mp4 bytes=`))).toBe(true);
  });

  it.each(['avc', 'av1'])('%s: a recording cut by a crash plays its committed fragments and seeks in them', async (name) => {
    const scan = scanFragments(files.get(`/${name}-crashed.mp4`)!);
    expect(scan.fragments.length).toBe(3);
    const played = await play(page, `http://recordings.test/${name}-crashed.mp4`, 0.5);
    expect(played.error).toBeNull();
    expect(Math.abs(played.duration - scan.durationMs / 1000)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(played.seekedTo - played.duration * 0.5)).toBeLessThanOrEqual(0.05);
    expect(played.readyState).toBeGreaterThanOrEqual(2);
  });
});
