// The tracker (src/video/tracker.ts) on synthetic box sequences with known ground truth: crossing faces, short
// occlusions, exits and re-entries (re-identified by embedding), new people, false positives that never confirm,
// detection every k-th frame. Plus its parts: the Hungarian assignment against brute force over all
// permutations, and the Kalman filter against the constant-velocity motion it models.
import { describe, expect, it } from 'vitest';
import { hungarian } from '../../src/video/hungarian.js';
import { BoxKalman, iou } from '../../src/video/kalman.js';
import { Tracker, type TrackerDetection, type TrackInfo } from '../../src/video/tracker.js';
import { InvalidArgumentError } from '../../src/index.node.js';
import { mulberry32 } from '../support/random.js';

type Box = { x: number; y: number; width: number; height: number };


/** A random unit 128-d "identity" and noisy views of it (distance between views ~ 0.2, between people ~ 1.4). */
function identity(rand: () => number): (noise?: number) => Float32Array {
  const base = unit(Float32Array.from({ length: 128 }, () => rand() - 0.5));
  return (noise = 0.02) => unit(base.map((v) => v + noise * (rand() - 0.5)));
}
function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
const box = (cx: number, cy: number, s = 60): Box => ({ x: cx - s / 2, y: cy - s / 2, width: s, height: s });

/** The confirmed id given to each detection of a step (0 while its track is tentative). */
const ids = (assigned: TrackInfo[]): number[] => assigned.map((t) => t.id);

describe('hungarian', () => {
  function brute(c: number[], rows: number, cols: number): number {
    // Minimum over all injective maps of the smaller side into the larger.
    const n = Math.min(rows, cols);
    const m = Math.max(rows, cols);
    const at = (i: number, j: number) => (rows <= cols ? c[i * cols + j]! : c[j * cols + i]!);
    let best = Infinity;
    const used = new Array(m).fill(false);
    const go = (i: number, s: number): void => {
      if (i === n) return void (best = Math.min(best, s));
      for (let j = 0; j < m; j++) {
        if (used[j]) continue;
        used[j] = true;
        go(i + 1, s + at(i, j));
        used[j] = false;
      }
    };
    go(0, 0);
    return best;
  }

  it('finds the optimum of random square and rectangular matrices (brute force over all assignments)', () => {
    const rand = mulberry32(7);
    for (let trial = 0; trial < 200; trial++) {
      const rows = 1 + Math.floor(rand() * 6);
      const cols = 1 + Math.floor(rand() * 6);
      // Integer costs make ties common: the optimum value must still match.
      const c = Array.from({ length: rows * cols }, () => (trial % 2 ? Math.floor(rand() * 5) : rand() * 10));
      const a = hungarian(c, rows, cols);
      const pairs = [...a].map((j, i) => [i, j] as const).filter(([, j]) => j >= 0);
      expect(pairs.length).toBe(Math.min(rows, cols));
      expect(new Set(pairs.map(([, j]) => j)).size).toBe(pairs.length);
      const total = pairs.reduce((s, [i, j]) => s + c[i * cols + j]!, 0);
      expect(total).toBeCloseTo(brute(c, rows, cols), 9);
    }
  });

  it('a hand case where greedy picking fails', () => {
    // Greedy takes (0,0)=1 then (1,1)=10: 11. Optimal: (0,1)=2 + (1,0)=2 = 4.
    expect([...hungarian([1, 2, 2, 10], 2, 2)]).toEqual([1, 0]);
    expect([...hungarian([], 0, 3)]).toEqual([]);
    expect([...hungarian([5, 1, 3], 3, 1)]).toEqual([-1, 0, -1]);
  });
});

describe('BoxKalman', () => {
  it('learns a constant velocity and predicts the next boxes to within a pixel', () => {
    const kf = new BoxKalman(box(100, 50));
    for (let t = 1; t <= 30; t++) {
      kf.predict();
      kf.update(box(100 + 4 * t, 50 - 2 * t));
    }
    expect(kf.velocity().x).toBeCloseTo(4, 1);
    expect(kf.velocity().y).toBeCloseTo(-2, 1);
    for (let t = 31; t <= 35; t++) {
      kf.predict();
      const b = kf.box();
      expect(Math.abs(b.x + b.width / 2 - (100 + 4 * t))).toBeLessThan(1);
      expect(Math.abs(b.y + b.height / 2 - (50 - 2 * t))).toBeLessThan(1);
      expect(b.width).toBeCloseTo(60, 3);
    }
  });

  it('iou: hand-computed values', () => {
    expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 10, height: 10 })).toBeCloseTo(50 / 150, 12);
    expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 10, y: 0, width: 10, height: 10 })).toBe(0);
    expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 0, y: 0, width: 10, height: 10 })).toBe(1);
  });
});

describe('Tracker', () => {
  it('two faces crossing keep their ids (motion only, and with appearance on coinciding paths)', () => {
    for (const withEmbeddings of [false, true]) {
      const rand = mulberry32(3);
      const a = identity(rand);
      const b = identity(rand);
      const tr = new Tracker();
      // A goes right, B goes left, 8 px per frame; they pass through each other between frames 18 and 19. With
      // embeddings the paths coincide exactly at the crossing (no position cue there at all); without, they are
      // 4 px apart vertically, close enough that matching to the nearest previous box would swap them (next test).
      const dy = withEmbeddings ? 0 : 4;
      const seen: number[][] = [];
      for (let f = 0; f < 50; f++) {
        const dets: TrackerDetection[] = [
          { box: box(50 + 8 * f, 200), ...(withEmbeddings ? { embedding: a() } : {}) },
          { box: box(350 - 8 * f, 200 + dy), ...(withEmbeddings ? { embedding: b() } : {}) },
        ];
        const s = tr.step(dets);
        seen.push(ids(s.assigned));
      }
      // Confirmed at the third frame as 1 (A) and 2 (B), and never swapped, through the crossing and after.
      expect(seen[1]).toEqual([0, 0]);
      for (let f = 2; f < 50; f++) expect(seen[f], `frame ${f}, embeddings ${withEmbeddings}`).toEqual([1, 2]);
    }
  });

  it('two faces that meet and turn back: motion alone swaps them, the appearance gate keeps them', () => {
    const run = (withEmbeddings: boolean): number[][] => {
      const rand = mulberry32(4);
      const a = identity(rand);
      const b = identity(rand);
      const tr = new Tracker();
      const seen: number[][] = [];
      for (let f = 0; f < 40; f++) {
        // They approach at 8 px per frame, meet at frame 19 (the same box), and go back the way they came.
        const d = 8 * Math.abs(f - 19);
        const s = tr.step([
          { box: box(200 - d, 200), ...(withEmbeddings ? { embedding: a() } : {}) },
          { box: box(200 + d, 200), ...(withEmbeddings ? { embedding: b() } : {}) },
        ]);
        seen.push(ids(s.assigned));
      }
      return seen;
    };
    // The Kalman prediction carries each face on through the other: without appearance the ids swap.
    expect(run(false)[25]).toEqual([2, 1]);
    const withApp = run(true);
    for (let f = 2; f < 40; f++) expect(withApp[f], `frame ${f}`).toEqual([1, 2]);
  });

  it('matching to the previous boxes without the Kalman prediction would swap them: the crossing is a real test', () => {
    // Frames 18 -> 19 of the motion-only crossing above: each new box overlaps the other face's old box more.
    const prev = [box(50 + 8 * 18, 200), box(350 - 8 * 18, 204)];
    const now = [box(50 + 8 * 19, 200), box(350 - 8 * 19, 204)];
    const cost = prev.flatMap((p) => now.map((n) => 1 - iou(p, n)));
    expect([...hungarian(cost, 2, 2)]).toEqual([1, 0]);
  });

  it('an occlusion of a few detection rounds keeps the id; the box coasts on the prediction', () => {
    const tr = new Tracker({ maxMissed: 5 });
    const at = (f: number) => box(100 + 5 * f, 150);
    for (let f = 0; f < 20; f++) tr.step([{ box: at(f) }]);
    expect(tr.all.map((t) => [t.id, t.state])).toEqual([[1, 'confirmed']]);
    for (let f = 20; f < 24; f++) {
      const s = tr.step([]); // detection ran and found nothing: a miss
      expect(s.tracks.map((t) => [t.id, t.state, t.missed])).toEqual([[1, 'confirmed', f - 19]]);
      const b = s.tracks[0]!.box;
      expect(Math.abs(b.x + b.width / 2 - (100 + 5 * f))).toBeLessThan(1.5);
    }
    const back = tr.step([{ box: at(24) }]);
    expect(ids(back.assigned)).toEqual([1]);
    expect(back.started).toEqual([]);
    expect(back.resumed).toEqual([]);
    expect(back.tracks[0]!.missed).toBe(0);
  });

  it('lost after maxMissed rounds; a re-entry elsewhere gets the old id back by embedding; a new person a new id', () => {
    const rand = mulberry32(11);
    const alice = identity(rand);
    const bob = identity(rand);
    const carol = identity(rand);
    const tr = new Tracker({ maxMissed: 3, maxLostFrames: 100 });
    for (let f = 0; f < 10; f++) tr.step([{ box: box(100 + 2 * f, 100), embedding: alice() }]);
    // Alice leaves; Bob arrives on the other side.
    let lostAt = -1;
    for (let f = 10; f < 30; f++) {
      const s = tr.step([{ box: box(500, 300), embedding: bob() }]);
      if (s.lost.length) {
        expect(s.lost.map((t) => t.id)).toEqual([1]);
        lostAt = f;
      }
    }
    expect(lostAt).toBe(12); // the third round without Alice
    expect(tr.all.map((t) => [t.id, t.state]).sort()).toEqual([[1, 'lost'], [2, 'confirmed']]);
    // Alice comes back far from where she left (no overlap): her embedding brings id 1 back at once.
    const s = tr.step([{ box: box(400, 80), embedding: alice() }, { box: box(500, 300), embedding: bob() }]);
    expect(ids(s.assigned)).toEqual([1, 2]);
    expect(s.resumed.map((t) => t.id)).toEqual([1]);
    // Carol appears where Alice first was: new person, new id (3), not Alice's.
    let carolId = 0;
    for (let f = 31; f < 36; f++) {
      const st = tr.step([{ box: box(400, 80), embedding: alice() }, { box: box(500, 300), embedding: bob() }, { box: box(100, 100), embedding: carol() }]);
      expect(ids(st.assigned).slice(0, 2)).toEqual([1, 2]);
      carolId = st.assigned[2]!.id;
    }
    expect(carolId).toBe(3);
  });

  it('without embeddings a lost track still comes back when the face reappears where it was lost', () => {
    const tr = new Tracker({ maxMissed: 2 });
    for (let f = 0; f < 5; f++) tr.step([{ box: box(200, 200) }]);
    for (let f = 5; f < 12; f++) tr.step([]);
    expect(tr.all[0]!.state).toBe('lost');
    const s = tr.step([{ box: box(203, 201) }]);
    expect(s.resumed.map((t) => t.id)).toEqual([1]);
  });

  it('tentative tracks that never confirm are dropped and consume no id', () => {
    const tr = new Tracker({ minHits: 3 });
    const rand = mulberry32(5);
    let dropped = 0;
    for (let f = 0; f < 40; f++) {
      const dets: TrackerDetection[] = [{ box: box(300, 300) }];
      // A false positive at a random place every other frame: never twice in a row, so never 3 hits.
      if (f % 2 === 0) dets.push({ box: box(50 + rand() * 100, 50 + rand() * 100, 30) });
      const s = tr.step(dets);
      dropped += s.dropped;
      if (f >= 2) expect(s.assigned[0]!.id).toBe(1);
      if (dets.length === 2) expect(s.assigned[1]!.id).toBe(0);
    }
    expect(dropped).toBe(20);
    expect(tr.all.filter((t) => t.state !== 'tentative').map((t) => t.id)).toEqual([1]);
    // The next real person is id 2, not 2 + the false positives.
    for (let f = 0; f < 3; f++) tr.step([{ box: box(300, 300) }, { box: box(600, 100) }]);
    expect(tr.all.map((t) => t.id).sort()).toEqual([1, 2]);
  });

  it('detection every 4th frame: the track coasts in between, close to the true motion, and keeps its id', () => {
    const tr = new Tracker({ minHits: 2 });
    const truth = (f: number) => box(80 + 3 * f, 120 + 1.5 * f, 50);
    for (let f = 0; f < 80; f++) {
      const s = tr.step(f % 4 === 0 ? [{ box: truth(f) }] : null);
      expect(s.dropped).toBe(0);
      if (f >= 4) {
        expect(s.tracks.map((t) => t.id)).toEqual([1]);
        if (f >= 40) expect(iou(s.tracks[0]!.box, truth(f))).toBeGreaterThan(0.9);
      }
    }
  });

  it('a lost track ends after maxLostFrames frames; finish() ends the rest', () => {
    const tr = new Tracker({ maxMissed: 1, maxLostFrames: 5, minHits: 1 });
    tr.step([{ box: box(10, 10) }, { box: box(300, 300) }]);
    tr.step([{ box: box(300, 300) }]); // id 1 missed once: lost
    let ended: number[] = [];
    for (let f = 0; f < 10 && ended.length === 0; f++) ended = tr.step([{ box: box(300, 300) }]).ended.map((t) => t.id);
    expect(ended).toEqual([1]);
    expect(tr.finish().map((t) => t.id)).toEqual([2]);
    expect(tr.all).toEqual([]);
  });

  it('bad input: typed errors', () => {
    expect(() => new Tracker({ minHits: 0 })).toThrow(InvalidArgumentError);
    expect(() => new Tracker({ minIou: 2 })).toThrow(/minIou must be a number in \[0, 1\]/);
    expect(() => new Tracker({ bogus: 1 } as never)).toThrow(/unknown option 'bogus'/);
    const tr = new Tracker();
    expect(() => tr.step([{ box: { x: 0, y: 0, width: -1, height: 5 } }])).toThrow(/positive size/);
    expect(() => tr.step([{ box: box(1, 1), embedding: [NaN] }])).toThrow(/finite/);
    tr.step([{ box: box(1, 1), embedding: [1, 2] }]);
    expect(() => tr.step([{ box: box(1, 1), embedding: [1, 2, 3] }])).toThrow(/3 values, earlier ones had 2/);
  });
});
