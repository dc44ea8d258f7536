// The demo page: photos or the camera in, faces out (boxes, landmarks, names drawn over the image and listed as
// text), a gallery enrolled from photos and kept in IndexedDB, backend and detector choice, per-stage timings.
// Every job (model loads, analyses, enrolments) runs one at a time through `serial`, so controls can be used at
// any moment without two jobs racing on one engine.
import type { RgbaImage } from '../src/index.js';
import { colourFor, drawOverlay, faceLabel } from './draw.js';
import { DEFAULT_SETTINGS, Pipeline, type Analysis, type Backend, type LandmarkChoice, type Settings } from './pipeline.js';
import { GALLERY_KEY, idbGet, idbUpdate, thumbKey } from './store.js';
import { setupVideoSection } from './video.js';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo: #${id} is missing from index.html`);
  return el as T;
};

const ui = {
  backend: $<HTMLSelectElement>('backend'),
  detector: $<HTMLSelectElement>('detector'),
  inputSize: $<HTMLSelectElement>('input-size'),
  scoreThreshold: $<HTMLInputElement>('score-threshold'),
  minFaceSize: $<HTMLInputElement>('min-face-size'),
  landmarks: $<HTMLSelectElement>('landmarks'),
  engineInfo: $<HTMLOutputElement>('engine-info'),
  imageInput: $<HTMLInputElement>('image-input'),
  cameraStart: $<HTMLButtonElement>('camera-start'),
  cameraStop: $<HTMLButtonElement>('camera-stop'),
  stage: $<HTMLDivElement>('stage'),
  frame: $<HTMLDivElement>('frame'),
  photo: $<HTMLCanvasElement>('photo'),
  camera: $<HTMLVideoElement>('camera'),
  overlay: $<HTMLCanvasElement>('overlay'),
  caption: $<HTMLElement>('stage-caption'),
  results: $<HTMLElement>('results'),
  faces: $<HTMLOListElement>('faces'),
  facesEmpty: $<HTMLElement>('faces-empty'),
  timings: $<HTMLTableElement>('timings'),
  loadInfo: $<HTMLElement>('load-info'),
  enrolForm: $<HTMLFormElement>('enrol-form'),
  enrolName: $<HTMLInputElement>('enrol-name'),
  enrolFiles: $<HTMLInputElement>('enrol-files'),
  enrolSubmit: $<HTMLButtonElement>('enrol-submit'),
  people: $<HTMLUListElement>('people'),
  peopleCount: $<HTMLElement>('people-count'),
  peopleEmpty: $<HTMLElement>('people-empty'),
  galleryClear: $<HTMLButtonElement>('gallery-clear'),
  videoNote: $<HTMLElement>('video-note'),
  status: $<HTMLElement>('status'),
};

/** Largest side the page analyses; bigger photos are scaled down first (and the caption says so). */
const MAX_SIDE = 4096;

let pipeline: Pipeline | null = null;
/** What is shown: a decoded photo (re-analysed when settings change) or camera frames. */
let current: { image: RgbaImage; label: string } | null = null;
let cameraStream: MediaStream | null = null;
let runs = 0;

// ---- status and the job queue ---------------------------------------------------------------------------------

function status(message: string, kind: 'info' | 'error' = 'info'): void {
  ui.status.dataset.kind = kind;
  ui.status.textContent = message;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

let chain: Promise<unknown> = Promise.resolve();
/** Runs jobs one after another; a failed job reports its error and does not stop the next. */
function serial<T>(job: () => Promise<T>): Promise<T | undefined> {
  const next = chain.then(job).catch((e: unknown) => {
    console.error(e);
    status(errorText(e), 'error');
    return undefined;
  });
  chain = next;
  return next;
}

// ---- settings ------------------------------------------------------------------------------------------------

function readSettings(): Settings {
  const num = (el: HTMLInputElement, fallback: number, lo: number, hi: number): number => {
    const v = Number(el.value);
    return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : fallback;
  };
  return {
    backend: ui.backend.value as Backend,
    detector: ui.detector.value === 'mtcnn' ? 'mtcnn' : 'tiny',
    inputSize: Number(ui.inputSize.value) || DEFAULT_SETTINGS.inputSize,
    scoreThreshold: num(ui.scoreThreshold, DEFAULT_SETTINGS.scoreThreshold, 0.01, 0.99),
    minFaceSize: num(ui.minFaceSize, DEFAULT_SETTINGS.minFaceSize, 4, 1000),
    landmarks: ui.landmarks.value as LandmarkChoice,
  };
}

function showDetectorFields(): void {
  for (const el of document.querySelectorAll<HTMLElement>('[data-for-detector]')) el.hidden = el.dataset.forDetector !== ui.detector.value;
}

async function loadModels(): Promise<void> {
  const s = readSettings();
  status(`Loading the ${s.detector === 'tiny' ? 'TinyFaceDetector' : 'MTCNN'} models…`);
  const ms = await pipeline!.load(s);
  ui.loadInfo.textContent = ms < 1 ? 'Models for these settings were already loaded.' : `Models for these settings loaded in ${Math.round(ms)} ms (not counted above).`;
  status('Ready.');
}

/** (Re)creates the pipeline on the chosen backend, carrying the gallery over. */
async function startBackend(): Promise<void> {
  let backend = ui.backend.value as Backend;
  const bytes = pipeline ? pipeline.gallery.toBytes() : await loadGalleryBytes();
  if (pipeline) await pipeline.dispose();
  pipeline = null;
  ui.engineInfo.value = `starting ${backend}…`;
  const log = (m: string): void => console.info(m);
  let created: Pipeline;
  try {
    created = await Pipeline.create(backend, bytes, log);
  } catch (e) {
    if (backend !== 'webgpu') throw e;
    // No adapter (or it failed): keep the page usable on WASM and say why.
    backend = 'wasm';
    ui.backend.value = backend;
    created = await Pipeline.create(backend, bytes, log);
    status(`WebGPU is not available here (${errorText(e)}); using WASM.`, 'error');
  }
  pipeline = created;
  ui.engineInfo.value = pipeline.engineInfo;
  renderPeople();
  await loadModels();
}

// ---- images --------------------------------------------------------------------------------------------------

/** Decodes a file into `canvas` (scaled to at most MAX_SIDE) and returns its RGBA pixels. */
async function decodeInto(file: File, canvas: HTMLCanvasElement): Promise<{ image: RgbaImage; scaled: boolean }> {
  let bmp: ImageBitmap;
  try {
    bmp = await createImageBitmap(file, { imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch {
    throw new Error(`Cannot read "${file.name}" as an image.`);
  }
  const k = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
  const width = Math.max(1, Math.round(bmp.width * k));
  const height = Math.max(1, Math.round(bmp.height * k));
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bmp, 0, 0, width, height);
  bmp.close();
  const { data } = ctx.getImageData(0, 0, width, height);
  return { image: { width, height, data }, scaled: k < 1 };
}

function grabCameraFrame(): RgbaImage | null {
  const v = ui.camera;
  if (!v.videoWidth || !v.videoHeight) return null;
  ui.photo.width = v.videoWidth;
  ui.photo.height = v.videoHeight;
  const ctx = ui.photo.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(v, 0, 0);
  return { width: v.videoWidth, height: v.videoHeight, data: ctx.getImageData(0, 0, v.videoWidth, v.videoHeight).data };
}

// ---- analysis and its rendering ------------------------------------------------------------------------------

async function analyse(image: RgbaImage, label: string): Promise<void> {
  ui.results.dataset.state = 'busy';
  try {
    const a = await pipeline!.analyse(image, readSettings());
    render(a, image, label);
    ui.results.dataset.state = 'done';
  } catch (e) {
    ui.results.dataset.state = 'error';
    throw e;
  } finally {
    ui.results.dataset.run = String(++runs);
  }
}

const fmt = (ms: number | null): string => (ms === null ? '–' : ms < 10 ? ms.toFixed(1) : String(Math.round(ms)));

function render(a: Analysis, image: RgbaImage, label: string): void {
  ui.stage.dataset.hasImage = '';
  ui.frame.hidden = false;
  drawOverlay(ui.overlay, image.width, image.height, a.faces);

  ui.faces.replaceChildren(
    ...a.faces.map((f, i) => {
      const li = document.createElement('li');
      // The drawn boxes, exactly: image pixels, full precision (the end-to-end test reads these).
      li.dataset.x = String(f.box.x);
      li.dataset.y = String(f.box.y);
      li.dataset.width = String(f.box.width);
      li.dataset.height = String(f.box.height);
      li.dataset.score = String(f.score);
      li.dataset.name = f.name ?? '';
      if (f.distance !== null) li.dataset.distance = String(f.distance);
      li.dataset.landmarks = String(f.landmarks?.length ?? 0);
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colourFor(f.name);
      swatch.style.border = '1px solid #555';
      const who = document.createElement('span');
      who.className = f.name ? 'name' : 'unknown';
      who.textContent = faceLabel(f);
      const b = f.box;
      const near = f.name === null && f.nearest !== null ? `, nearest ${f.nearest} at ${f.distance!.toFixed(2)}` : f.distance !== null ? `, distance ${f.distance.toFixed(2)}` : '';
      li.append(
        swatch,
        who,
        ` — score ${f.score.toFixed(2)}${near}; box ${Math.round(b.width)}×${Math.round(b.height)} at (${Math.round(b.x)}, ${Math.round(b.y)})`,
      );
      li.setAttribute('aria-label', `Face ${i + 1}: ${li.textContent}`);
      return li;
    }),
  );
  ui.facesEmpty.hidden = a.faces.length > 0;
  ui.facesEmpty.textContent = 'No face found. Try a larger detector input size, a lower minimum score, or MTCNN.';

  const t = a.times;
  const cells: Record<string, number | null> = { detect: t.detect, landmarks: t.landmarks, embed: t.embed, identify: t.identify, total: t.total };
  for (const row of ui.timings.tBodies[0]!.rows) row.cells[1]!.textContent = fmt(cells[row.dataset.stage!] ?? null);

  const names = a.faces.map(faceLabel);
  const summary = a.faces.length === 0 ? 'no faces found' : `${a.faces.length} face${a.faces.length > 1 ? 's' : ''}: ${names.join(', ')}`;
  ui.photo.setAttribute('aria-label', `${label}, ${summary}`);
  ui.caption.textContent = `${label}: ${summary}. ${Math.round(t.total)} ms on ${pipeline!.fr.backend}.`;
  ui.results.dataset.source = label;
}

/** Re-analyses the photo on show (after a settings or gallery change). */
function refresh(): Promise<unknown> {
  if (!current || cameraStream) return Promise.resolve();
  const { image, label } = current;
  return serial(() => analyse(image, label));
}

ui.imageInput.addEventListener('change', () => {
  const file = ui.imageInput.files?.[0];
  if (!file) return;
  stopCamera();
  void serial(async () => {
    status(`Analysing ${file.name}…`);
    const { image, scaled } = await decodeInto(file, ui.photo);
    current = { image, label: scaled ? `${file.name} (scaled to ${image.width}×${image.height})` : file.name };
    await analyse(image, current.label);
    status(`Analysed ${file.name}.`);
  });
});

// ---- camera --------------------------------------------------------------------------------------------------

function cameraError(e: unknown): string {
  const name = (e as { name?: string })?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Camera access was denied. You can still choose photos.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found. You can still choose photos.';
  if (name === 'NotReadableError') return 'The camera is in use by another application.';
  return `The camera could not start (${errorText(e)}).`;
}

async function startCamera(): Promise<void> {
  if (!navigator.mediaDevices?.getUserMedia) {
    status('This browser offers no camera access here (it needs a secure context such as 127.0.0.1 or https).', 'error');
    return;
  }
  ui.cameraStart.disabled = true;
  status('Asking for the camera…');
  try {
    cameraStream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
  } catch (e) {
    ui.cameraStart.disabled = false;
    status(cameraError(e), 'error');
    return;
  }
  ui.camera.srcObject = cameraStream;
  await ui.camera.play().catch(() => {});
  ui.camera.hidden = false;
  ui.photo.hidden = true;
  ui.frame.hidden = false;
  ui.stage.dataset.hasImage = '';
  ui.cameraStop.disabled = false;
  ui.cameraStop.focus();
  status('Camera on: faces are found in each frame.');
  void cameraLoop();
}

async function cameraLoop(): Promise<void> {
  while (cameraStream) {
    await serial(async () => {
      const frame = cameraStream ? grabCameraFrame() : null;
      if (frame) await analyse(frame, 'Camera frame');
    });
    await new Promise((r) => requestAnimationFrame(r));
  }
}

function stopCamera(): void {
  if (!cameraStream) return;
  for (const t of cameraStream.getTracks()) t.stop();
  cameraStream = null;
  ui.camera.srcObject = null;
  ui.camera.hidden = true;
  ui.photo.hidden = false; // the last analysed frame stays on show
  ui.cameraStart.disabled = false;
  ui.cameraStop.disabled = true;
  if (document.activeElement === ui.cameraStop) ui.cameraStart.focus();
  status('Camera off.');
}

ui.cameraStart.addEventListener('click', () => void startCamera());
ui.cameraStop.addEventListener('click', stopCamera);

// ---- gallery -------------------------------------------------------------------------------------------------

async function loadGalleryBytes(): Promise<Uint8Array | undefined> {
  try {
    const v = await idbGet<Uint8Array | ArrayBuffer>(GALLERY_KEY);
    return v === undefined ? undefined : v instanceof Uint8Array ? v : new Uint8Array(v);
  } catch (e) {
    status(`The saved gallery could not be read (${errorText(e)}); starting empty.`, 'error');
    return undefined;
  }
}

const thumbs = new Map<string, string>();

async function saveGallery(extra: Record<string, unknown> = {}): Promise<void> {
  await idbUpdate({ [GALLERY_KEY]: pipeline!.gallery.toBytes(), ...extra });
}

function renderPeople(): void {
  const g = pipeline!.gallery;
  const names = g.names;
  ui.people.replaceChildren(
    ...names.map((name) => {
      const li = document.createElement('li');
      li.dataset.name = name;
      const img = document.createElement('img');
      img.alt = `Face of ${name} from an enrolment photo`;
      const src = thumbs.get(name);
      if (src) img.src = src;
      else {
        void idbGet<string>(thumbKey(name)).then((s) => {
          if (s) {
            thumbs.set(name, s);
            img.src = s;
          }
        });
      }
      const who = document.createElement('span');
      who.className = 'who';
      const strong = document.createElement('strong');
      strong.textContent = name;
      const n = g.embeddings(name).length;
      who.append(strong, `${n} photo${n === 1 ? '' : 's'}`);
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'secondary';
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', `Remove ${name}`);
      remove.addEventListener('click', () => void removePerson(name));
      li.append(img, who, remove);
      return li;
    }),
  );
  ui.peopleCount.textContent = String(names.length);
  ui.peopleEmpty.hidden = names.length > 0;
  ui.galleryClear.disabled = names.length === 0;
}

/** A small face thumbnail (JPEG data URL) from the first enrolment photo. */
function thumbnail(source: HTMLCanvasElement, box: { x: number; y: number; width: number; height: number }): string {
  const c = document.createElement('canvas');
  c.width = c.height = 96;
  const side = Math.max(box.width, box.height) * 1.15;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  c.getContext('2d')!.drawImage(source, cx - side / 2, cy - side / 2, side, side, 0, 0, 96, 96);
  return c.toDataURL('image/jpeg', 0.85);
}

ui.enrolForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const name = ui.enrolName.value.trim();
  const files = [...(ui.enrolFiles.files ?? [])];
  if (!name) {
    status('Enter the person’s name.', 'error');
    ui.enrolName.focus();
    return;
  }
  if (files.length === 0) {
    status('Choose one or more photos of the person.', 'error');
    ui.enrolFiles.focus();
    return;
  }
  ui.enrolSubmit.disabled = true;
  void serial(async () => {
    const s = readSettings();
    const descriptors: Float32Array[] = [];
    let whole = 0;
    let thumb: string | undefined;
    for (const [i, file] of files.entries()) {
      status(`Enrolling ${name}: photo ${i + 1} of ${files.length}…`);
      const canvas = document.createElement('canvas');
      const { image } = await decodeInto(file, canvas);
      const r = await pipeline!.enrolDescriptor(image, s);
      descriptors.push(r.descriptor);
      if (r.wholeImage) whole++;
      thumb ??= thumbnail(canvas, r.face.box);
    }
    const existed = pipeline!.gallery.has(name);
    pipeline!.gallery.add(name, descriptors);
    if (!existed && thumb) thumbs.set(name, thumb);
    await saveGallery(!existed && thumb ? { [thumbKey(name)]: thumb } : {});
    renderPeople();
    ui.enrolForm.reset();
    const note = whole > 0 ? ` (${whole} without a detected face: the whole photo was used as the face)` : '';
    status(`${existed ? 'Added' : 'Enrolled'} ${name}: ${files.length} photo${files.length > 1 ? 's' : ''}${note}.`);
  }).finally(() => {
    ui.enrolSubmit.disabled = false;
    void refresh();
  });
});

async function removePerson(name: string): Promise<void> {
  await serial(async () => {
    const idx = pipeline!.gallery.names.indexOf(name);
    pipeline!.gallery.remove(name);
    thumbs.delete(name);
    await saveGallery({ [thumbKey(name)]: undefined });
    renderPeople();
    // Keep keyboard focus in the list: the next person's Remove button, or the enrol name field.
    const buttons = ui.people.querySelectorAll('button');
    (buttons[Math.min(idx, buttons.length - 1)] ?? ui.enrolName).focus();
    status(`Removed ${name}.`);
  });
  await refresh();
}

ui.galleryClear.addEventListener('click', () => {
  const names = pipeline?.gallery.names ?? [];
  if (names.length === 0 || !confirm(`Remove all ${names.length} people from the gallery?`)) return;
  void serial(async () => {
    pipeline!.gallery.clear();
    thumbs.clear();
    await saveGallery(Object.fromEntries(names.map((n) => [thumbKey(n), undefined])));
    renderPeople();
    ui.enrolName.focus();
    status('The gallery is empty.');
  }).then(refresh);
});

// ---- wiring --------------------------------------------------------------------------------------------------

ui.backend.addEventListener('change', () => void serial(startBackend).then(refresh));
for (const el of [ui.detector, ui.inputSize, ui.scoreThreshold, ui.minFaceSize, ui.landmarks]) {
  el.addEventListener('change', () => {
    showDetectorFields();
    void serial(loadModels).then(refresh);
  });
}

async function init(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const hasGpu = 'gpu' in navigator && (await (navigator as Navigator & { gpu: GPU }).gpu.requestAdapter().catch(() => null)) !== null;
  if (!hasGpu) {
    const opt = ui.backend.querySelector<HTMLOptionElement>('option[value="webgpu"]')!;
    opt.disabled = true;
    opt.textContent = 'WebGPU (not available)';
  }
  const wanted = params.get('backend');
  ui.backend.value = wanted === 'wasm' || (wanted === 'webgpu' && hasGpu) ? wanted : hasGpu ? 'webgpu' : 'wasm';
  if (params.get('detector') === 'mtcnn') ui.detector.value = 'mtcnn';
  showDetectorFields();
  await serial(startBackend);
  setupVideoSection({ pipeline: () => pipeline, settings: readSettings, serial, status });
  document.body.dataset.ready = pipeline ? 'true' : 'error';
}

void init();
