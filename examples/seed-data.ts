// Data for the seed experiment (examples/seed-experiment.ts and its test): random sequences, and a learnable
// task whose class is encoded only in the temporal pattern (a class-specific phase of a sinusoid along a fixed
// direction; every class has the same mean frame, so order matters).
import { Rng } from '../src/nn/rng.js';

export interface SeedData {
  x: Float32Array;
  /** One-hot labels [n, classes]. */
  y: Float32Array;
  n: number;
  steps: number;
  features: number;
  classes: number;
}

export function randomTask(n: number, steps: number, features: number, classes: number, seed: number): SeedData {
  const rng = new Rng(seed);
  const x = new Float32Array(n * steps * features);
  for (let i = 0; i < x.length; i++) x[i] = rng.next();
  const y = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) y[i * classes + Math.floor(rng.next() * classes)] = 1;
  return { x, y, n, steps, features, classes };
}

export function temporalTask(n: number, steps: number, features: number, classes: number, seed: number, noise = 0.5): SeedData {
  const rng = new Rng(seed);
  const dir = new Float32Array(features);
  for (let f = 0; f < features; f++) dir[f] = rng.normal();
  const x = new Float32Array(n * steps * features);
  const y = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng.next() * classes);
    y[i * classes + c] = 1;
    const phase = (2 * Math.PI * c) / classes + rng.uniform(-0.2, 0.2);
    for (let t = 0; t < steps; t++) {
      const a = Math.sin((2 * Math.PI * t) / steps + phase);
      for (let f = 0; f < features; f++) x[(i * steps + t) * features + f] = a * dir[f]! + noise * rng.normal();
    }
  }
  return { x, y, n, steps, features, classes };
}
