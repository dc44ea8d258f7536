// The video panel: a video file (or the camera) plays with each tracked face boxed and tagged "#<track id> <name>",
// live, on the library's video API: fr.video() turns frames into track-start / track-update / track-lost /
// track-resume / track-end events, identities aggregated over each track's frames from the page's gallery.
// Frames come from videoElementFrames (a file) or mediaStreamFrames (the camera): a frame shown while the previous
// one is still being analysed is skipped, so a slower playback speed analyses more of a file.
//
// The detector runs through fr.video()'s detectFaces hook with the page's settings, so detection and embedding can
// be timed apart; tracking, aggregation and identification are the rest of push(). Each frame is one job on the
// page's queue (serial), so photo analyses and enrolments never race the video on the engine.
//
// For tests, window.facegpuVideo holds the events as the library returned them and, per analysed frame, the tags
// drawn; #video-section's data-state / data-frames say where a run is.
import { mediaStreamFrames, videoElementFrames, type AggregatorKind, type DetectOptions, type FaceBox, type FrameSource, type SourceFrame, type VideoEvent, type VideoRecognizer } from '../src/index.js';
import { drawOverlay } from './draw.js';
import type { FaceResult, Pipeline, Settings } from './pipeline.js';

/** What the panel needs from the page. */
export interface VideoHost {
  pipeline(): Pipeline | null;
  settings(): Settings;
  /** The page's job queue: one job at a time; a failed job shows its error and resolves undefined. */
  serial<T>(job: () => Promise<T>): Promise<T | undefined>;
  status(message: string, kind?: 'info' | 'error'): void;
}

/** A tag drawn over a frame: the track's id, its name (null: unknown) and box. */
export interface DrawnTag {
  trackId: number;
  name: string | null;
  box: FaceBox;
  text: string;
}

/** What the page exposes for tests (window.facegpuVideo). */
export interface VideoRecord {
  /** Every event of the current run, as fr.video() returned it. */
  events: VideoEvent[];
  /** Per analysed frame: its index and the tags drawn over it. */
  drawn: { frame: number; tags: DrawnTag[] }[];
}

type Stage = 'detect' | 'embed' | 'track' | 'draw' | 'total';
const STAGES: Stage[] = ['detect', 'embed', 'track', 'draw', 'total'];

interface Run {
  pipeline: Pipeline;
  vr: VideoRecognizer;
  source: FrameSource;
  label: string;
  stopped: boolean;
  frames: number;
  started: number;
  busyMs: number;
  last: Record<Stage, number | null>;
  sums: Record<Stage, { total: number; n: number }>;
  tracks: Map<number, TrackRow>;
  done: Promise<void>;
}

interface TrackRow {
  id: number;
  name: string | null;
  distance: number | null;
  state: 'tracking' | 'lost' | 'ended';
  firstFrame: number;
  lastFrame: number;
}

/** At most this many events and frames are kept for window.facegpuVideo (a long camera session). */
const KEEP = 5000;
const now = (): number => performance.now();
const fmt = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '–' : ms < 10 ? ms.toFixed(1) : String(Math.round(ms)));
const tagText = (id: number, name: string | null): string => `#${id} ${name ?? 'unknown'}`;

function $<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo: #${id} is missing from index.html`);
  return el as T;
}

function cameraError(e: unknown): string {
  const name = (e as { name?: string })?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Camera access was denied. You can still choose a video file.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found. You can still choose a video file.';
  if (name === 'NotReadableError') return 'The camera is in use by another application.';
  return `The camera could not start (${e instanceof Error ? e.message : String(e)}).`;
}

/** The detect() options for the page's settings, with landmarks for aligned embeddings. */
function detectOptions(s: Settings): DetectOptions {
  if (s.detector === 'mtcnn') return { detector: 'mtcnn', minFaceSize: s.minFaceSize }; // its own 5 points
  return { detector: 'tiny', inputSize: s.inputSize, scoreThreshold: s.scoreThreshold, withLandmarks: s.landmarks === 'none' ? false : s.landmarks === 'tiny' ? 'tiny' : true };
}

export function setupVideoSection(host: VideoHost): void {
  const ui = {
    section: $<HTMLElement>('video-section'),
    input: $<HTMLInputElement>('video-input'),
    cameraStart: $<HTMLButtonElement>('video-camera-start'),
    play: $<HTMLButtonElement>('video-play'),
    stop: $<HTMLButtonElement>('video-stop'),
    rate: $<HTMLSelectElement>('video-rate'),
    detectEvery: $<HTMLSelectElement>('video-detect-every'),
    aggregator: $<HTMLSelectElement>('video-aggregator'),
    stage: $<HTMLDivElement>('video-stage'),
    frame: $<HTMLDivElement>('video-frame'),
    player: $<HTMLVideoElement>('video-player'),
    overlay: $<HTMLCanvasElement>('video-overlay'),
    caption: $<HTMLElement>('video-caption'),
    tracks: $<HTMLOListElement>('video-tracks'),
    tracksEmpty: $<HTMLElement>('video-tracks-empty'),
    timings: $<HTMLTableElement>('video-timings'),
    fps: $<HTMLElement>('video-fps'),
    events: $<HTMLOListElement>('video-events'),
  };
  const record: VideoRecord = { events: [], drawn: [] };
  (window as unknown as { facegpuVideo: VideoRecord }).facegpuVideo = record;

  let run: Run | null = null;
  let fileUrl: string | null = null;
  let fileName = '';
  let stream: MediaStream | null = null;

  const setState = (state: 'idle' | 'loading' | 'playing' | 'paused' | 'ended' | 'stopped' | 'error'): void => {
    ui.section.dataset.state = state;
    const live = !!run && !run.stopped;
    ui.play.disabled = !fileUrl || !!stream; // the camera is started and stopped with its own button
    ui.play.textContent = live && !ui.player.paused ? 'Pause' : 'Play';
    ui.stop.disabled = !live;
    ui.cameraStart.textContent = stream ? 'Stop camera tracking' : 'Start camera tracking';
  };

  // ---- rendering ---------------------------------------------------------------------------------------------

  function renderTimings(r: Run): void {
    for (const row of ui.timings.tBodies[0]!.rows) {
      const st = row.dataset.stage as Stage;
      const s = r.sums[st];
      row.cells[1]!.textContent = fmt(r.last[st]);
      row.cells[2]!.textContent = s.n ? fmt(s.total / s.n) : '–';
    }
    const secs = (now() - r.started) / 1000;
    ui.fps.textContent = `${r.frames} frame${r.frames === 1 ? '' : 's'} analysed in ${secs.toFixed(1)} s (${(r.frames / Math.max(secs, 1e-3)).toFixed(1)} frames/s; ${(r.frames / Math.max(r.busyMs / 1000, 1e-3)).toFixed(1)} frames/s of analysis time).`;
  }

  function renderTracks(r: Run): void {
    const rows = [...r.tracks.values()].sort((a, b) => a.id - b.id);
    ui.tracks.replaceChildren(
      ...rows.map((t) => {
        const li = document.createElement('li');
        li.dataset.trackId = String(t.id);
        li.dataset.name = t.name ?? '';
        li.dataset.state = t.state;
        const who = document.createElement('span');
        who.className = t.name ? 'name' : 'unknown';
        who.textContent = tagText(t.id, t.name);
        const dist = t.distance === null ? '' : `, distance ${t.distance.toFixed(2)}`;
        li.append(who, ` — ${t.state}, frames ${t.firstFrame}–${t.lastFrame}${dist}`);
        return li;
      }),
    );
    ui.tracksEmpty.hidden = rows.length > 0;
    ui.tracksEmpty.textContent = r.frames > 0 ? 'No face tracked yet.' : 'None yet.';
  }

  function logEvents(events: VideoEvent[]): void {
    const words: Record<VideoEvent['type'], string> = { 'track-start': 'started', 'track-lost': 'lost', 'track-resume': 'found again', 'track-end': 'ended', 'track-update': '' };
    const items = events
      .filter((e) => e.type !== 'track-update')
      .map((e) => {
        const li = document.createElement('li');
        li.textContent = `Frame ${e.frame}: track ${tagText(e.trackId, e.identity)} ${words[e.type]}`;
        return li;
      });
    if (items.length === 0) return;
    ui.events.prepend(...items.reverse());
    while (ui.events.children.length > 50) ui.events.lastElementChild!.remove();
  }

  /** Applies one frame's (or the end's) events to the track list and the record. */
  function apply(r: Run, events: VideoEvent[]): void {
    for (const e of events) {
      if (record.events.length < KEEP) record.events.push(e);
      const row = r.tracks.get(e.trackId) ?? { id: e.trackId, name: null, distance: null, state: 'tracking' as const, firstFrame: e.frame, lastFrame: e.frame };
      row.name = e.identity;
      row.distance = e.distance;
      row.lastFrame = e.type === 'track-end' ? e.lastFrame : Math.max(row.lastFrame, e.frame);
      if (e.type === 'track-end') row.firstFrame = e.firstFrame;
      row.state = e.type === 'track-end' ? 'ended' : e.type === 'track-lost' ? 'lost' : 'tracking';
      r.tracks.set(e.trackId, row);
    }
    logEvents(events);
    renderTracks(r);
  }

  /** Draws this frame's visible tracks (its track-update events) and records what was drawn. */
  function draw(frame: SourceFrame, events: VideoEvent[]): DrawnTag[] {
    const updates = events.filter((e): e is Extract<VideoEvent, { type: 'track-update' }> => e.type === 'track-update');
    const faces: FaceResult[] = updates.map((u) => ({ box: u.box, score: u.score ?? 0, name: u.identity, distance: u.distance, nearest: u.nearest }));
    const tags = updates.map((u) => ({ trackId: u.trackId, name: u.identity, box: u.box, text: tagText(u.trackId, u.identity) }));
    drawOverlay(ui.overlay, frame.image.width, frame.image.height, faces, (_, i) => tags[i]!.text);
    if (record.drawn.length < KEEP) record.drawn.push({ frame: frame.index, tags });
    const names = tags.map((t) => t.text);
    ui.caption.textContent = `${run?.label ?? 'Video'}: frame ${frame.index} at ${(frame.timestamp / 1000).toFixed(2)} s, ${names.length ? names.join(', ') : 'no tracked face'}.`;
    return tags;
  }

  // ---- a run: frames through fr.video() ---------------------------------------------------------------------

  /** One frame: push it, draw the tracks, time it. False when the run must stop (the backend changed). */
  async function step(r: Run, frame: SourceFrame): Promise<boolean> {
    if (r.stopped) return false;
    if (host.pipeline() !== r.pipeline) {
      host.status('The backend changed, so the video stopped: press Play to start it again on the new one.');
      return false;
    }
    const t0 = now();
    r.last = { detect: null, embed: null, track: null, draw: null, total: null };
    const events = await r.vr.push(frame);
    const t1 = now();
    apply(r, events);
    draw(frame, events);
    const t2 = now();
    const inHook = (r.last.detect ?? 0) + (r.last.embed ?? 0);
    r.last.track = t1 - t0 - inHook;
    r.last.draw = t2 - t1;
    r.last.total = t2 - t0;
    for (const st of STAGES) {
      const v = r.last[st];
      if (v !== null) {
        r.sums[st].total += v;
        r.sums[st].n++;
      }
    }
    r.frames++;
    r.busyMs += t2 - t0;
    ui.section.dataset.frames = String(r.frames);
    renderTimings(r);
    return true;
  }

  async function loop(r: Run): Promise<void> {
    let failed = false;
    try {
      for await (const frame of r.source) {
        const ok = await host.serial(() => step(r, frame));
        if (ok !== true) {
          failed = ok === undefined;
          break;
        }
      }
    } catch (e) {
      failed = true;
      host.status(e instanceof Error ? e.message : String(e), 'error');
    } finally {
      await r.source.close();
      // The tracks still open end here (track-end events), named as they were last.
      if (!r.vr.disposed) apply(r, await r.vr.end());
      r.vr.dispose();
      const wasStopped = r.stopped;
      r.stopped = true;
      if (run === r) {
        setState(failed ? 'error' : wasStopped ? 'stopped' : 'ended');
        ui.section.dataset.frames = String(r.frames);
        if (!failed) {
          const named = [...r.tracks.values()].map((t) => tagText(t.id, t.name));
          host.status(`${wasStopped ? 'Stopped' : 'Done'}: ${r.frames} frames analysed, ${named.length} track${named.length === 1 ? '' : 's'}${named.length ? `: ${named.join(', ')}` : ''}.`);
        }
      }
    }
  }

  /** Starts a run over `source` on the current pipeline. */
  function start(source: FrameSource, label: string): void {
    const pipeline = host.pipeline();
    if (!pipeline) {
      void source.close();
      host.status('The engine is not ready yet.', 'error');
      return;
    }
    const s = host.settings();
    const detect = detectOptions(s);
    const fr = pipeline.fr;
    record.events.length = 0;
    record.drawn.length = 0;
    ui.events.replaceChildren();
    const r: Run = {
      pipeline,
      source,
      label,
      stopped: false,
      frames: 0,
      started: now(),
      busyMs: 0,
      last: { detect: null, embed: null, track: null, draw: null, total: null },
      sums: { detect: { total: 0, n: 0 }, embed: { total: 0, n: 0 }, track: { total: 0, n: 0 }, draw: { total: 0, n: 0 }, total: { total: 0, n: 0 } },
      tracks: new Map(),
      done: Promise.resolve(),
      vr: fr.video({
        gallery: pipeline.gallery,
        aggregator: ui.aggregator.value as AggregatorKind,
        detectEvery: Number(ui.detectEvery.value) || 1,
        // The page's detector settings; detection and embedding timed apart (the rest of push() is tracking).
        detectFaces: async (frame) => {
          const t0 = now();
          const faces = await fr.detect(frame.image, detect);
          const t1 = now();
          const descriptors = faces.length ? await fr.embedAll(frame.image, faces) : [];
          r.last.detect = t1 - t0;
          r.last.embed = now() - t1;
          return faces.map((f, i) => ({ ...f, descriptor: descriptors[i]! }));
        },
      }),
    };
    run = r;
    renderTracks(r);
    ui.fps.textContent = '';
    r.done = loop(r);
    setState('playing');
  }

  /** Ends the current run (its source closes, open tracks end) and waits for it. */
  async function stopRun(): Promise<void> {
    const r = run;
    if (!r || r.stopped) return r?.done;
    r.stopped = true;
    await r.source.close();
    await r.done;
  }

  function showStage(): void {
    ui.frame.hidden = false;
    ui.stage.dataset.hasImage = '';
  }

  async function playFile(): Promise<void> {
    if (!fileUrl) return;
    const v = ui.player;
    if (v.ended) v.currentTime = 0;
    v.playbackRate = Number(ui.rate.value) || 1;
    // The source first (it takes the frame on show), then play.
    start(videoElementFrames(v), fileName);
    try {
      await v.play();
    } catch (e) {
      await stopRun();
      throw e;
    }
    setState('playing');
    host.status(`Tracking faces in ${fileName} at ${v.playbackRate}× speed…`);
  }

  async function loadFile(file: File): Promise<void> {
    await stopRun();
    await stopCamera();
    if (fileUrl) URL.revokeObjectURL(fileUrl);
    fileUrl = URL.createObjectURL(file);
    fileName = file.name;
    setState('loading');
    const v = ui.player;
    v.srcObject = null;
    v.src = fileUrl;
    await new Promise<void>((resolve, reject) => {
      v.onloadeddata = () => resolve();
      v.onerror = () => reject(new Error(`Cannot play "${file.name}" in this browser (${v.error?.message || 'unsupported format'}).`));
    }).finally(() => {
      v.onloadeddata = null;
      v.onerror = null;
    });
    v.setAttribute('aria-label', `Video ${file.name}`);
    showStage();
    await playFile();
  }

  async function startCamera(): Promise<void> {
    if (!navigator.mediaDevices?.getUserMedia) {
      host.status('This browser offers no camera access here (it needs a secure context such as 127.0.0.1 or https).', 'error');
      return;
    }
    await stopRun();
    ui.cameraStart.disabled = true;
    host.status('Asking for the camera…');
    let s: MediaStream;
    try {
      s = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
    } catch (e) {
      host.status(cameraError(e), 'error');
      return;
    } finally {
      ui.cameraStart.disabled = false;
    }
    stream = s;
    const v = ui.player;
    v.removeAttribute('src');
    v.srcObject = s;
    v.setAttribute('aria-label', 'Live camera video');
    await v.play().catch(() => {});
    showStage();
    start(mediaStreamFrames(s), 'Camera');
    host.status('Camera on: faces are tracked in each analysed frame.');
  }

  async function stopCamera(): Promise<void> {
    if (!stream) return;
    const s = stream;
    stream = null;
    await stopRun();
    for (const t of s.getTracks()) t.stop();
    ui.player.srcObject = null;
    setState('stopped');
  }

  // ---- controls ----------------------------------------------------------------------------------------------

  const guard = (job: () => Promise<void>): void => {
    job().catch((e: unknown) => {
      setState('error');
      host.status(e instanceof Error ? e.message : String(e), 'error');
    });
  };

  ui.input.addEventListener('change', () => {
    const file = ui.input.files?.[0];
    if (file) guard(() => loadFile(file));
  });
  ui.cameraStart.addEventListener('click', () => guard(() => (stream ? stopCamera().then(() => host.status('Camera off.')) : startCamera())));
  ui.play.addEventListener('click', () => {
    const live = !!run && !run.stopped;
    if (live && !ui.player.paused) {
      ui.player.pause();
      setState('paused');
      host.status('Paused.');
    } else if (live) {
      guard(async () => {
        await ui.player.play();
        setState('playing');
        host.status('Playing.');
      });
    } else {
      guard(playFile);
    }
  });
  ui.stop.addEventListener('click', () =>
    guard(async () => {
      if (stream) return stopCamera();
      ui.player.pause();
      await stopRun();
      ui.player.currentTime = 0; // Play starts again from the beginning
      ui.play.focus();
    }),
  );
  ui.rate.addEventListener('change', () => {
    ui.player.playbackRate = Number(ui.rate.value) || 1;
  });
  // A new backend disposes the recognizer under the run: end the run first.
  document.getElementById('backend')?.addEventListener('change', () => {
    if (run && !run.stopped) {
      ui.player.pause();
      // Said after the backend job (queued first), whose own "Ready." would hide it.
      void stopRun().then(() => host.serial(async () => host.status('The backend changed, so the video stopped: press Play to start it again on the new one.')));
    }
  });
  ui.player.addEventListener('pause', () => run && !run.stopped && !ui.player.ended && setState('paused'));
  ui.player.addEventListener('play', () => run && !run.stopped && setState('playing'));
  setState('idle');
}
