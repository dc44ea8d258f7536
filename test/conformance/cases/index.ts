// The one spec set: every op's cases, run on every backend and runtime. One import line per op module.
import type { BadCase, OpCase } from '../types.js';
import { activationBadCases, activationCases } from './activation.cases.js';
import { binaryBadCases, binaryCases } from './binary.cases.js';

export const allCases: OpCase[] = [
  ...activationCases,
  ...binaryCases,
];
export const allBadCases: BadCase[] = [
  ...activationBadCases,
  ...binaryBadCases,
];
