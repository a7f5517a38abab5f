/**
 * The backup encoder and the slate through the whole platform: ffmpeg encoders publish to the
 * API's RTMP ingest with a stream's primary and backup keys, the engine restreams to nginx-rtmp
 * (`record all`, one file per publish), and the test drives and watches it only through the
 * HTTP API (status, the events stream, history, POST /input, the slate image routes). Each
 * recording is then read tag by tag: every video frame is identified by its payload's MD5 as
 * the primary's, the backup's or the slate clip's, and the one timeline is checked at every switch.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestSessionListSchema, inputSwitchEventSchema, MAX_SLATE_IMAGE_BYTES, streamDetailSchema, streamSchema, streamStatusSchema, type InputSwitchEvent, type StreamStatus } from '@fanout/contracts';
import { EngineRegistry } from '../src/ingest/engine-registry';
import { type Actor, setUpTeam } from './support/actors';
import { startTestApi, type TestApi } from './support/api';
import { cleanStart, flvVideo, frameSet, labelFrames, largestStep, runs, switchSteps, timelineProblems, videoStartOffset, type FlvVideo } from './support/flv-timeline';
import { recordingClient } from './support/http';
import { waitUntil } from './support/media';
import { ffmpegLive, type TestPublisher } from './support/publishers';
import { startNginx } from './support/sinks';
import { openEventStream } from './support/sse';
import { startReceiver } from './support/webhook-receiver';
import { HAVE_FFMPEG, HAVE_NGINX_RTMP, skipWithout } from './support/tools';

const FPS = 30;
const FRAME_MS = 1_000 / FPS;
/**
 * The largest step allowed between two recorded video frames, at a switch or not. FLV stamps
 * whole milliseconds, so 30 fps is steps of 33 and 34 ms; the engine continues the outgoing
 * timeline one frame on at a switch, measured from the outgoing input's own frame interval
 * (itself 33 or 34) and rounded to a whole ms: one frame, plus 1 ms of FLV rounding, plus 1 ms
 * for the rounding of the measured interval.
 */
const MAX_STEP_MS = Math.ceil(FRAME_MS) + 2;
/** A SIGKILLed ffmpeg has sent frames over RTMP that its buffered tee never wrote (≈32 KiB of FLV). */
const KILLED_TAIL = 15;
/** 720p30, keyframe every second; ultrafast so two live encodes, the API and nginx share two cores in real time. */
const ENCODE = { seconds: 120, width: 1280, height: 720, fps: FPS, gop: FPS, preset: 'ultrafast' } as const;

const skip = skipWithout('ffmpeg', HAVE_FFMPEG) || skipWithout('nginx with the RTMP module', HAVE_NGINX_RTMP);

describe.skipIf(skip)('backup encoder and slate, end to end through the API', () => {
  let api: TestApi;
  let dir: string;
  let owner: Actor;
  let nginx: Awaited<ReturnType<typeof startNginx>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const publishers: TestPublisher[] = [];
  /** Printed at the end: what each switch cost, as the engine measured it and as recorded. */
  const measured: string[] = [];

  /** Keeps the publisher for the teardown; the test kills it, so its exit is never a failure. */
  const live = (p: TestPublisher) => {
    p.done.catch(() => undefined);
    publishers.push(p);
    return p;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-backup-slate-'));
    nginx = await startNginx(join(dir, 'nginx'), undefined, { unique: true });
    api = await startTestApi({ INGEST_GRACE_S: '10', INGEST_FAILBACK_S: '2', INGEST_STALL_S: '1.5' });
    ({ owner } = await setUpTeam(recordingClient(api.url), {}));
    receiver = await startReceiver();
    const hook = await owner.call('POST', '/api/webhooks', { url: receiver.url(), events: ['stream.input_switched'] });
    expect(hook.status, hook.text).toBe(201);
  }, 60_000);

  afterEach(async () => {
    for (const p of publishers.splice(0)) {
      p.kill();
      await p.done.catch(() => undefined);
    }
  });

  afterAll(async () => {
    await api?.dispose();
    await receiver?.close();
    nginx?.child.kill('SIGKILL');
    if (process.env['FANOUT_KEEP_TEST_FILES'] === undefined) await rm(dir, { recursive: true, force: true });
    console.log(`[backup-slate] measured:\n  ${measured.join('\n  ')}`);
  }, 60_000);

  /** A stream of `who` on `on` with one destination: the nginx recorder, under `key`. */
  async function recordedStream(on: TestApi, who: Actor, name: string, key: string) {
    const created = await who.call('POST', '/api/streams', { name });
    expect(created.status, created.text).toBe(201);
    const stream = streamDetailSchema.parse(created.body);
    const added = await who.call('POST', `/api/streams/${stream.id}/destinations`, { name: 'nginx', platform: 'custom', url: nginx.url, streamKey: key });
    expect(added.status, added.text).toBe(201);
    return { id: stream.id, primaryUrl: `rtmp://127.0.0.1:${on.rtmpPort}/live/${stream.streamKey}`, backupUrl: `rtmp://127.0.0.1:${on.rtmpPort}/live/${stream.backupStreamKey}`, detail: stream };
  }

  const statusOf = async (who: Actor, id: string): Promise<StreamStatus> => streamStatusSchema.parse((await who.call('GET', `/api/streams/${id}/status`)).body);

  async function statusUntil(who: Actor, id: string, what: string, check: (s: StreamStatus) => boolean, timeoutMs = 15_000): Promise<StreamStatus> {
    let last: StreamStatus | undefined;
    await waitUntil(what, async () => check((last = await statusOf(who, id))), timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}; last status: ${JSON.stringify(last?.inputs)} ${JSON.stringify(last?.destinations.map((d) => d.state))}`);
    });
    return last!;
  }

  /** The stream's `input` events as they arrive on GET /api/streams/:id/events. */
  async function inputEvents(who: Actor, on: TestApi, id: string) {
    const sse = await openEventStream(`${on.url}/api/streams/${id}/events`, { cookie: who.cookie });
    const parse = (data: string | undefined) => inputSwitchEventSchema.parse(JSON.parse(data ?? 'null'));
    /** Events arrive in order: each `next` looks after the one the last `next` returned. */
    let cursor = 0;
    return {
      sse,
      all: (): InputSwitchEvent[] => sse.messages.filter((m) => m.event === 'input').map((m) => parse(m.data)),
      next: async (onAir: string, reason?: string, timeoutMs = 10_000): Promise<InputSwitchEvent> => {
        const match = await sse.next((m) => m.event === 'input' && parse(m.data).onAir === onAir && (reason === undefined || parse(m.data).reason === reason), timeoutMs, cursor);
        cursor = sse.messages.indexOf(match) + 1;
        return parse(match.data);
      },
    };
  }

  /** Ends the broadcast (destinations unpublished: nginx closes its file) and returns the one recording of `key`. */
  async function finish(on: TestApi, id: string, key: string): Promise<string> {
    await on.app.get(EngineRegistry).endStream(id, 'test over');
    await waitUntil('the engine to be released', () => on.app.get(EngineRegistry).stats(id) === undefined, 10_000);
    await new Promise((r) => setTimeout(r, 500)); // nginx writes the file's last tags after the unpublish
    const files = await nginx.recordings(key);
    expect(files, 'nginx recorded exactly one publish: the destination never reconnected').toHaveLength(1);
    return files[0]!;
  }

  const slateCache = (on: TestApi) => join(on.dataDir, 'slate-cache');
  const slateClips = (on: TestApi): string[] => readdirSync(slateCache(on)).filter((f) => f.endsWith('.flv')).map((f) => join(slateCache(on), f));

  /** Media (ms) the run of frames covers, counting its last frame's duration. */
  const runMs = (video: FlvVideo, run: { from: number; to: number }) => video.frames[run.to]!.timestamp - video.frames[run.from]!.timestamp + FRAME_MS;

  function logSwitches(name: string, events: InputSwitchEvent[], video: FlvVideo, labels: string[]): void {
    for (const e of events) measured.push(`[${name}] ${e.previous} → ${e.onAir} (${e.reason}): media gap ${e.gapMs ?? '-'} ms, wall gap ${e.wallGapMs ?? '-'} ms`);
    measured.push(`[${name}] recording ${video.frames.length} frames: ${runs(labels).map((r) => `${r.label}×${r.to - r.from + 1}`).join(' ')}; steps at switches: ${switchSteps(video, labels).join(', ')}`);
  }

  it('failover to the backup within its GOP, failback after INGEST_FAILBACK_S, switch and pin by hand: one continuous recording', async () => {
    const stream = await recordedStream(api, owner, 'Main and backup', 'failover');
    expect(stream.detail.backupStreamKey).toMatch(/^live_/);
    expect(stream.detail.backupStreamKey).not.toBe(stream.detail.streamKey);
    const idle = await owner.call('POST', `/api/streams/${stream.id}/input`, { switchTo: 'backup' });
    expect(idle.status).toBe(409);
    expect(idle.body).toMatchObject({ message: 'Nothing is publishing to this stream right now.' });

    const events = await inputEvents(owner, api, stream.id);
    const sources = { p1: join(dir, 'fo-primary-1.flv'), p2: join(dir, 'fo-primary-2.flv'), b: join(dir, 'fo-backup.flv') };
    let primary = live(ffmpegLive(stream.primaryUrl, sources.p1, ENCODE));
    await events.next('primary', 'publish-start', 15_000);
    const backup = live(ffmpegLive(stream.backupUrl, sources.b, { ...ENCODE, pattern: 'testsrc', tone: 660 }));
    const ready = await statusUntil(owner, stream.id, 'the backup warm, the slate ready, nginx live', (s) => s.inputs?.backup.state === 'warm' && s.inputs.slateReady && s.destinations[0]?.state === 'live', 20_000);
    expect(ready.inputs).toMatchObject({
      onAir: 'primary',
      pinned: null,
      slateReady: true,
      primary: { state: 'live', video: { codec: 'h264', width: 1280, height: 720 }, audio: { codec: 'aac', sampleRate: 48_000, channels: 1 } },
      backup: { state: 'warm', video: { codec: 'h264', width: 1280, height: 720 }, audio: { codec: 'aac', sampleRate: 48_000, channels: 1 } },
    });
    await new Promise((r) => setTimeout(r, 2_000));

    // The primary's encoder dies: the slate bridges to the backup's next keyframe (GOP 1 s).
    primary.kill();
    const killedAt = Date.now();
    const lost = await events.next('slate', 'primary-lost', 5_000);
    const failover = await events.next('backup', 'backup-keyframe', 5_000);
    const failoverMs = Date.parse(failover.at) - killedAt;
    expect(failoverMs, 'the backup on air within its GOP of the kill (plus the time to see the socket close)').toBeLessThanOrEqual(1_000 + 300);
    const onBackup = await statusOf(owner, stream.id);
    expect(onBackup.inputs).toMatchObject({ onAir: 'backup', primary: { state: 'gone' }, backup: { state: 'live' } });
    expect(onBackup.destinations[0]!.state).toBe('live');
    // Prometheus, from the same events: one stream on the backup, the switches so far by reason.
    const scraped = await (await fetch(`${api.url}/metrics`)).text();
    expect(scraped).toContain('fanout_stream_on_air{input="backup"} 1\n');
    expect(scraped).toContain('fanout_stream_on_air{input="primary"} 0\n');
    for (const reason of ['publish-start', 'primary-lost', 'backup-keyframe']) expect(scraped).toContain(`fanout_input_switches_total{reason="${reason}"} 1\n`);
    expect(scraped).toContain('fanout_input_switches_total{reason="failback"} 0\n');
    await new Promise((r) => setTimeout(r, 1_000));

    // The primary returns: back on air once healthy for INGEST_FAILBACK_S (2 s), at its keyframe.
    const returnedAt = Date.now();
    primary = live(ffmpegLive(stream.primaryUrl, sources.p2, ENCODE));
    const failback = await events.next('primary', 'failback', 15_000);
    const failbackMs = Date.parse(failback.at) - returnedAt;
    expect(failbackMs).toBeGreaterThanOrEqual(2_000);
    expect(failbackMs, 'the publish, 2 s stable, then the next keyframe').toBeLessThanOrEqual(2_000 + 1_000 + 1_500);
    await new Promise((r) => setTimeout(r, 1_000));

    // By hand: the backup, pinned there; it stays past the failback period.
    const switched = await owner.call('POST', `/api/streams/${stream.id}/input`, { switchTo: 'backup', pin: 'backup' });
    expect(switched.status, switched.text).toBe(200);
    expect(switched.body).toMatchObject({ pinned: 'backup', primary: { state: expect.stringMatching(/^(live|warm)$/) }, backup: { state: expect.stringMatching(/^(live|warm)$/) } });
    await events.next('backup', 'manual', 5_000);
    await new Promise((r) => setTimeout(r, 3_000)); // > INGEST_FAILBACK_S: pinned, no failback
    expect((await statusOf(owner, stream.id)).inputs).toMatchObject({ onAir: 'backup', pinned: 'backup', primary: { state: 'warm' }, backup: { state: 'live' } });

    // Unpinned: the primary is preferred again.
    const unpinned = await owner.call('POST', `/api/streams/${stream.id}/input`, { pin: null });
    expect(unpinned.status, unpinned.text).toBe(200);
    expect(unpinned.body).toMatchObject({ pinned: null });
    await events.next('primary', 'manual', 10_000);
    const sinceBack = events.all().length;
    await new Promise((r) => setTimeout(r, 1_000));

    // Impossible: the backup gone.
    backup.kill();
    await statusUntil(owner, stream.id, 'the backup gone', (s) => s.inputs?.backup.state === 'gone', 5_000);
    const noBackup = await owner.call('POST', `/api/streams/${stream.id}/input`, { switchTo: 'backup' });
    expect(noBackup.status).toBe(409);
    expect(noBackup.body).toMatchObject({ message: 'The backup encoder is not connected or not sending.' });
    expect(events.all().length, `losing the warm backup changes nothing on air: ${JSON.stringify(events.all().slice(sinceBack - 1))}`).toBe(sinceBack);
    const bad = await owner.call('POST', `/api/streams/${stream.id}/input`, { switchTo: 'nothing' });
    expect(bad.status).toBe(400);

    const recording = await finish(api, stream.id, 'failover');
    await events.sse.close();

    const switches = events.all().map((e) => `${e.previous}→${e.onAir}:${e.reason}`);
    expect(switches).toEqual([
      'none→primary:publish-start',
      'primary→slate:primary-lost',
      'slate→backup:backup-keyframe',
      'backup→primary:failback',
      'primary→backup:manual',
      'backup→primary:manual',
      'primary→none:ended',
    ]);
    expect(lost.wallGapMs).not.toBeNull();
    // History: the session's input switches, as the events said.
    const [session] = ingestSessionListSchema.parse((await owner.call('GET', `/api/streams/${stream.id}/sessions`)).body);
    expect(session!.inputSwitches.map((e) => `${e.previous}→${e.onAir}:${e.reason}`)).toEqual(switches);
    expect(session!.inputSwitches.find((e) => e.reason === 'backup-keyframe')).toMatchObject({ gapMs: failover.gapMs, wallGapMs: failover.wallGapMs });
    // Webhooks: stream.input_switched for each switch within the broadcast (not its start or end), with the same gaps.
    const hooked = () => receiver.delivered().filter((r) => r.json.data.stream?.id === stream.id);
    await waitUntil('the input_switched webhooks', () => hooked().length >= 5, 10_000);
    expect(hooked().map((r) => `${r.json.type} ${String(r.json.data['previous'])}→${String(r.json.data['onAir'])}:${String(r.json.data['reason'])}`)).toEqual(
      switches.slice(1, -1).map((s) => `stream.input_switched ${s}`),
    );
    expect(hooked()[1]!.json).toMatchObject({ timestamp: failover.at, data: { stream: { id: stream.id, name: 'Main and backup' }, gapMs: failover.gapMs, wallGapMs: failover.wallGapMs } });

    // The recording: one broadcast, every frame an encoder's or the slate's, one timeline.
    const video = flvVideo(recording);
    const labels = labelFrames(video, { P: frameSet(sources.p1, sources.p2), B: frameSet(sources.b), S: frameSet(...slateClips(api)) }, { label: 'P', tail: KILLED_TAIL });
    logSwitches('failover', events.all(), video, labels);
    expect(labels.filter((l) => l === '?').length, 'frames that are neither an encoder’s nor the slate’s').toBe(0);
    const r = runs(labels);
    expect(r.map((x) => x.label)).toEqual(['P', 'S', 'B', 'P', 'B', 'P']);
    expect(timelineProblems(video, labels, MAX_STEP_MS)).toEqual([]);
    for (const run of r.slice(1)) expect(cleanStart(video, run.from), `${run.label} at frame ${run.from}: a sequence header, then a keyframe`).toBeDefined();
    expect(runMs(video, r[1]!), 'the slate bridged at most the backup’s GOP').toBeLessThanOrEqual(1_000 + FRAME_MS);
    measured.push(`[failover] backup on air ${failoverMs} ms after the kill (slate ${Math.round(runMs(video, r[1]!))} ms of media); failback ${failbackMs} ms after the primary was started again`);
  }, 90_000);

  it('slate: a lone primary dies, destinations get slate frames at its size and rate through the grace window, then the primary at a keyframe; a custom PNG slate', async () => {
    const stream = await recordedStream(api, owner, 'Slate only', 'slate');
    const patched = await owner.call('PATCH', `/api/streams/${stream.id}`, { graceSeconds: 8 });
    expect(patched.status, patched.text).toBe(200);
    expect(streamSchema.parse(patched.body)).toMatchObject({ graceSeconds: 8, slate: true, slateImage: false });

    // The stream's own slate card: a PNG made by ffmpeg.
    const png = join(dir, 'card.png');
    const made = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'color=c=0x204080:s=640x360', '-frames:v', '1', '-y', png]);
    expect(made.status, String(made.stderr)).toBe(0);
    const card = readFileSync(png);
    const upload = (body: Buffer | string, type = 'image/png') => fetch(`${api.url}/api/streams/${stream.id}/slate-image`, { method: 'PUT', headers: { cookie: owner.cookie, origin: api.url, 'content-type': type }, body });
    const notImage = await upload('this is not a picture');
    expect(notImage.status).toBe(400);
    expect(await notImage.json()).toMatchObject({ errors: [{ path: 'image', message: 'Upload a PNG or JPEG image.' }] });
    const tooLarge = await upload(Buffer.concat([card, Buffer.alloc(MAX_SLATE_IMAGE_BYTES + 1 - card.length)]));
    expect(tooLarge.status).toBe(413);
    expect((await upload(card)).status).toBe(204);
    const served = await fetch(`${api.url}/api/streams/${stream.id}/slate-image`, { headers: { cookie: owner.cookie } });
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(card);
    expect(streamSchema.parse((await owner.call('GET', `/api/streams/${stream.id}`)).body).slateImage).toBe(true);

    const clipsBefore = new Set(slateClips(api));
    const events = await inputEvents(owner, api, stream.id);
    const sources = { p1: join(dir, 'sl-primary-1.flv'), p2: join(dir, 'sl-primary-2.flv') };
    let primary = live(ffmpegLive(stream.primaryUrl, sources.p1, ENCODE));
    await statusUntil(owner, stream.id, 'the slate ready, nginx live', (s) => s.inputs?.slateReady === true && s.destinations[0]?.state === 'live', 20_000);
    const noBackup = await owner.call('POST', `/api/streams/${stream.id}/input`, { switchTo: 'backup' });
    expect(noBackup.status).toBe(409);
    expect(noBackup.body).toMatchObject({ message: 'The backup encoder is not connected or not sending.' });
    const customClips = slateClips(api).filter((f) => !clipsBefore.has(f));
    expect(customClips, 'the slate rendered from the uploaded card for this ingest').toHaveLength(1);
    await new Promise((r) => setTimeout(r, 2_000));

    primary.kill();
    const killedAt = Date.now();
    await events.next('slate', 'primary-lost', 5_000);
    const grace = await statusUntil(owner, stream.id, 'the grace window', (s) => s.ingest.reconnectGrace, 5_000);
    expect(grace.inputs?.onAir).toBe('slate');
    expect(grace.destinations[0]!.state).toBe('live');
    expect(Math.abs(Date.parse(grace.ingest.graceEndsAt!) - (killedAt + 8_000)), 'the stream’s own grace window, 8 s').toBeLessThan(1_000);
    const sentBefore = grace.destinations[0]!.bytesSent;
    await new Promise((r) => setTimeout(r, 3_000));
    const during = await statusOf(owner, stream.id);
    expect(during.destinations[0]!.bytesSent, 'the destination keeps receiving (the slate)').toBeGreaterThan(sentBefore);

    primary = live(ffmpegLive(stream.primaryUrl, sources.p2, ENCODE));
    await events.next('primary', 'publisher-returned', 15_000);
    const backAt = Date.now();
    await new Promise((r) => setTimeout(r, 2_000));
    const recording = await finish(api, stream.id, 'slate');
    await events.sse.close();

    expect(events.all().map((e) => `${e.previous}→${e.onAir}:${e.reason}`)).toEqual(['none→primary:publish-start', 'primary→slate:primary-lost', 'slate→primary:publisher-returned', 'primary→none:ended']);
    const video = flvVideo(recording);
    const labels = labelFrames(video, { P: frameSet(sources.p1, sources.p2), S: frameSet(customClips[0]!) }, { label: 'P', tail: KILLED_TAIL });
    logSwitches('slate', events.all(), video, labels);
    expect(labels.filter((l) => l === '?').length, 'frames that are neither the encoder’s nor the custom slate’s').toBe(0);
    const r = runs(labels);
    expect(r.map((x) => x.label)).toEqual(['P', 'S', 'P']);
    expect(timelineProblems(video, labels, MAX_STEP_MS)).toEqual([]);
    const slate = r[1]!;
    // The slate's sequence header: an SPS of the ingest's size (and its declared rate).
    const slateHeader = cleanStart(video, slate.from);
    expect(slateHeader?.sps).toMatchObject({ width: 1280, height: 720 });
    if (slateHeader?.sps?.frameRate !== undefined) expect(slateHeader.sps.frameRate).toBeCloseTo(FPS, 1);
    // Its rate from the timestamps: 30 fps, i.e. steps of 33 and 34 ms only, averaging 33.3.
    const steps = video.frames.slice(slate.from + 1, slate.to + 1).map((f, i) => f.timestamp - video.frames[slate.from + i]!.timestamp);
    expect(new Set(steps)).toEqual(new Set([33, 34]));
    expect((video.frames[slate.to]!.timestamp - video.frames[slate.from]!.timestamp) / (slate.to - slate.from)).toBeCloseTo(FRAME_MS, 1);
    const slateMs = runMs(video, slate);
    const outageMs = backAt - killedAt;
    expect(Math.abs(slateMs - outageMs), `slate ${slateMs} ms of media for an outage of ${outageMs} ms`).toBeLessThan(600);
    // The primary back at a keyframe, after its own sequence header (x264's 720p SPS).
    expect(cleanStart(video, r[2]!.from)?.sps).toMatchObject({ width: 1280, height: 720 });
    measured.push(`[slate] ${Math.round(slateMs)} ms of slate media for a ${outageMs} ms outage`);

    expect((await owner.call('DELETE', `/api/streams/${stream.id}/slate-image`)).status).toBe(204);
    expect((await owner.call('GET', `/api/streams/${stream.id}/slate-image`)).status).toBe(404);
  }, 90_000);

  it('no ffmpeg: one warning at start-up, no slate, and a dropped publisher holds the destinations with nothing sent until it returns', async () => {
    const bare = await startTestApi({ FFMPEG_PATH: '/nonexistent/ffmpeg', INGEST_GRACE_S: '8' });
    try {
      const warnings = bare.logs.filter((l) => l.includes('no slate'));
      expect(warnings, bare.logs.filter((l) => l.includes('slate')).join('\n')).toHaveLength(1);
      expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, ffmpeg: '/nonexistent/ffmpeg', msg: expect.stringMatching(/^no slate: ffmpeg not found at \/nonexistent\/ffmpeg.*Install ffmpeg \(or set FFMPEG_PATH\)/) });
      const { owner: bareOwner } = await setUpTeam(recordingClient(bare.url), {});
      const stream = await recordedStream(bare, bareOwner, 'No ffmpeg', 'noffmpeg');
      // The dashboard says so too: the stream resource carries the reason.
      const detail = streamDetailSchema.parse((await bareOwner.call('GET', `/api/streams/${stream.id}`)).body);
      expect(detail).toMatchObject({ slate: true, slateUnavailable: expect.stringMatching(/^ffmpeg not found at \/nonexistent\/ffmpeg/) });
      const events = await inputEvents(bareOwner, bare, stream.id);
      const sources = { p1: join(dir, 'nf-primary-1.flv'), p2: join(dir, 'nf-primary-2.flv') };
      let primary = live(ffmpegLive(stream.primaryUrl, sources.p1, ENCODE));
      await statusUntil(bareOwner, stream.id, 'nginx live', (s) => s.destinations[0]?.state === 'live', 20_000);
      await new Promise((r) => setTimeout(r, 2_500)); // past the engine's 2 s wait for the ingest's parameters
      expect((await statusOf(bareOwner, stream.id)).inputs).toMatchObject({ onAir: 'primary', slateReady: false });
      const noSlate = await bareOwner.call('POST', `/api/streams/${stream.id}/input`, { switchTo: 'slate' });
      expect(noSlate.status).toBe(409);
      expect(noSlate.body).toMatchObject({ message: 'The slate is not ready (it is off, still rendering, or ffmpeg cannot render one).' });

      primary.kill();
      await events.next('none', 'primary-lost', 5_000);
      const held = await statusUntil(bareOwner, stream.id, 'the grace window', (s) => s.ingest.reconnectGrace, 5_000);
      expect(held.inputs?.onAir).toBe('none');
      expect(held.destinations[0]!.state, 'held, not dropped').toBe('live');
      await new Promise((r) => setTimeout(r, 500)); // whatever was queued when the publisher died has gone out
      const sentBefore = (await statusOf(bareOwner, stream.id)).destinations[0]!.bytesSent;
      await new Promise((r) => setTimeout(r, 2_000));
      const sentAfter = (await statusOf(bareOwner, stream.id)).destinations[0];
      expect(sentAfter!.state).toBe('live');
      expect(sentAfter!.bytesSent, 'nothing sent while no encoder is on air').toBe(sentBefore);

      primary = live(ffmpegLive(stream.primaryUrl, sources.p2, ENCODE));
      const returned = await events.next('primary', 'publisher-returned', 15_000);
      await new Promise((r) => setTimeout(r, 2_000));
      const recording = await finish(bare, stream.id, 'noffmpeg');
      await events.sse.close();

      expect(events.all().map((e) => `${e.previous}→${e.onAir}:${e.reason}`)).toEqual(['none→primary:publish-start', 'primary→none:primary-lost', 'none→primary:publisher-returned', 'primary→none:ended']);
      expect(returned.wallGapMs).toBeGreaterThanOrEqual(2_500);
      const video = flvVideo(recording);
      const labels = labelFrames(video, { P: frameSet(sources.p1, sources.p2) }, { label: 'P', tail: KILLED_TAIL });
      logSwitches('no-ffmpeg', events.all(), video, labels);
      expect(labels.filter((l) => l !== 'P').length, 'nothing but the encoder’s frames').toBe(0);
      // As before slates: the returning publisher's first message (its first audio, at its 0)
      // continues one frame on, and its video keeps its own offset to that message (ffmpeg's
      // first video frame is one AAC priming frame, 21 ms, after its first audio). That one step
      // is the only one above a frame, and the new publish starts with its headers at a keyframe.
      const ownOffset = videoStartOffset(sources.p2);
      const join_ = largestStep(video);
      expect(join_.stepMs).toBeLessThanOrEqual(MAX_STEP_MS + ownOffset);
      expect(timelineProblems(video, labels, MAX_STEP_MS).length).toBeLessThanOrEqual(1);
      expect(cleanStart(video, join_.index), 'the returning publisher starts with its headers at a keyframe').toBeDefined();
      measured.push(`[no-ffmpeg] outage: media step ${join_.stepMs} ms in the recording (one frame + the encoder's own ${ownOffset} ms video start), engine media gap ${returned.gapMs} ms, wall gap ${returned.wallGapMs} ms with nothing sent`);
      expect(readdirSync(bare.dataDir)).not.toContain('slate-cache');
      expect(statSync(recording).size).toBeGreaterThan(0);
    } finally {
      await bare.dispose();
    }
  }, 90_000);
});
