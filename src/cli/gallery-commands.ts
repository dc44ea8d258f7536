// enroll and identify: a gallery file (FaceGallery's versioned binary format, written atomically by saveGallery)
// on the command line.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { FaceGallery, GALLERY_MATCHINGS, GALLERY_METRICS, type GalleryMatching, type GalleryMetric } from '../face/gallery.js';
import { loadGallery, saveGallery } from '../face/gallery-node.js';
import { detectOptions, embedLandmarks, faceJson, images, largestFace, Outcome, print, r2, r4, recognizer, type CommonOptions } from './commands.js';
import { CliError, EXIT, messageOf, progress } from './output.js';

type GalleryCliOptions = CommonOptions;

/** Reads a gallery file; a missing or bad file is the caller's input error (exit 3), named with the problem. */
async function readGallery(path: string, o: GalleryCliOptions, create: boolean): Promise<{ gallery: FaceGallery; created: boolean }> {
  if (!existsSync(path)) {
    if (!create) throw new CliError(`gallery '${path}': file not found (make one with: facegpu enroll ${path} <name> <images...>)`, EXIT.INPUT);
    const metric = (o.metric ?? 'euclidean') as GalleryMetric;
    const matching = (o.matching ?? 'mean') as GalleryMatching;
    return { gallery: new FaceGallery({ metric, matching, ...(o.threshold !== undefined ? { threshold: o.threshold } : {}) }), created: true };
  }
  let gallery: FaceGallery;
  try {
    gallery = await loadGallery(path);
  } catch (e) {
    throw new CliError(messageOf(e), EXIT.INPUT);
  }
  if (create) {
    if (o.metric !== undefined && o.metric !== gallery.metric) {
      throw new CliError(`gallery '${path}' uses metric ${gallery.metric}; --metric ${o.metric} applies only when creating one`, EXIT.USAGE);
    }
    if (o.matching !== undefined && o.matching !== gallery.matching) {
      throw new CliError(`gallery '${path}' uses matching ${gallery.matching}; --matching ${o.matching} applies only when creating one`, EXIT.USAGE);
    }
    if (o.threshold !== undefined) gallery.threshold = o.threshold;
  }
  return { gallery, created: false };
}

export async function enroll([path, name, paths]: [string, string, string[]], o: GalleryCliOptions): Promise<number> {
  if (name.trim() === '') throw new CliError('enroll: the name must not be empty', EXIT.USAGE);
  if (o.metric !== undefined && !GALLERY_METRICS.includes(o.metric as GalleryMetric)) throw new CliError(`--metric must be one of ${GALLERY_METRICS.join(', ')}`, EXIT.USAGE);
  if (o.matching !== undefined && !GALLERY_MATCHINGS.includes(o.matching as GalleryMatching)) throw new CliError(`--matching must be one of ${GALLERY_MATCHINGS.join(', ')}`, EXIT.USAGE);
  detectOptions(o, false); // option conflicts before any work
  const { gallery, created } = await readGallery(path, o, true);
  const fr = await recognizer(o);
  const bar = progress('enroll', paths.length, o.progress);
  const outcome = new Outcome(bar, o.json);
  const files: object[] = [];
  const vectors: Float32Array[] = [];
  try {
    for await (const d of images(fr, paths)) {
      try {
        if ('error' in d) throw d.error;
        const got = await largestFace(fr, d.image, d.path, o);
        vectors.push(got.descriptor);
        files.push({ file: d.path, faces: got.faces, face: faceJson(got.face) });
        if (got.faces > 1 && !o.json) bar.log(`facegpu: ${d.path}: ${got.faces} faces; enrolling the largest`);
      } catch (e) {
        files.push(outcome.fail(d.path, e));
      }
      bar.tick(basename(d.path));
    }
  } finally {
    bar.stop();
    fr.dispose();
  }
  const failed = outcome.failures > 0;
  const save = vectors.length > 0 && (!failed || o.skipBad);
  if (save) {
    gallery.add(name, vectors);
    try {
      await saveGallery(gallery, path);
    } catch (e) {
      throw new CliError(messageOf(e), EXIT.INPUT);
    }
  }
  const doc = {
    command: 'enroll',
    backend: fr.backend,
    gallery: path,
    created: created && save,
    name,
    added: save ? vectors.length : 0,
    identities: gallery.size,
    vectors: gallery.count,
    saved: save,
    files,
  };
  const text = save
    ? [`enrolled '${name}': ${vectors.length} image${vectors.length === 1 ? '' : 's'} -> ${path} (${gallery.size} identities, ${gallery.count} vectors)`]
    : [`nothing enrolled; ${path} is unchanged${failed && vectors.length ? ' (pass --skip-bad to enrol the images that worked)' : ''}`];
  print(o, doc, text);
  return outcome.code;
}

export async function identify([path, paths]: [string, string[]], o: GalleryCliOptions): Promise<number> {
  const det = detectOptions(o, embedLandmarks(o));
  const { gallery } = await readGallery(path, o, false);
  const threshold = o.threshold ?? gallery.threshold;
  const k = o.top ?? 1;
  const fr = await recognizer(o);
  const bar = progress('identify', paths.length, o.progress);
  const outcome = new Outcome(bar, o.json);
  const files: object[] = [];
  const text: string[] = [];
  try {
    for await (const d of images(fr, paths)) {
      try {
        if ('error' in d) throw d.error;
        const faces = await fr.detectAndEmbed(d.image, { ...det, align: o.align !== 'none' });
        const results = faces.length ? await gallery.identifyBatch(faces.map((f) => f.descriptor), { k, threshold }) : [];
        const out = faces.map((f, i) => {
          const r = results[i]!;
          return {
            ...faceJson(f),
            name: r.unknown ? null : r.matches[0]!.name,
            distance: r.nearest ? r4(r.nearest.distance) : null,
            nearest: r.nearest ? { name: r.nearest.name, distance: r4(r.nearest.distance) } : null,
            matches: r.matches.map((m) => ({ name: m.name, distance: r4(m.distance) })),
          };
        });
        files.push({ file: d.path, faces: out });
        text.push(`${d.path}: ${faces.length} face${faces.length === 1 ? '' : 's'}`);
        out.forEach((f, i) => {
          const b = faces[i]!.box;
          const where = `x ${r2(b.x)} y ${r2(b.y)} w ${r2(b.width)} h ${r2(b.height)}`;
          const who = f.name !== null
            ? `${f.name} (distance ${f.distance!.toFixed(4)})`
            : `unknown${f.nearest ? ` (nearest ${f.nearest.name}, distance ${f.nearest.distance.toFixed(4)})` : ''}`;
          text.push(`  face ${i + 1} (${where}): ${who}`);
          if (k > 1) f.matches.slice(1).forEach((m) => text.push(`    also ${m.name} (distance ${m.distance.toFixed(4)})`));
        });
      } catch (e) {
        files.push(outcome.fail(d.path, e));
      }
      bar.tick(basename(d.path));
    }
  } finally {
    bar.stop();
    fr.dispose();
    gallery.dispose();
  }
  print(o, { command: 'identify', backend: fr.backend, gallery: path, threshold, identities: gallery.size, files }, text);
  return outcome.code;
}
