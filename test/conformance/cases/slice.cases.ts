// Channel slice (concat's backward) on the last axis: vec4 path, scalar path, few-row buffer copies, whole rows.
import type { BadCase, InputSpec, OpCase } from '../types.js';

let seed = 9600;
const rnd = (shape: number[]): InputSpec => ({ shape, seed: seed++ });

export const sliceChannelsCases: OpCase[] = [
  {
    op: 'sliceChannels',
    name: 'hand-computed [2, 3] channels 1..2',
    inputs: [{ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }],
    attrs: { start: 1, size: 2 },
    expected: [[2, 3, 5, 6]],
  },
  { op: 'sliceChannels', name: 'vec4 [2, 5, 5, 12] 4..12', inputs: [rnd([2, 5, 5, 12])], attrs: { start: 4, size: 8 } },
  { op: 'sliceChannels', name: 'scalar [3, 4, 7] 2..5', inputs: [rnd([3, 4, 7])], attrs: { start: 2, size: 3 } },
  { op: 'sliceChannels', name: 'few rows [1, 1, 2, 6] 5..6', inputs: [rnd([1, 1, 2, 6])], attrs: { start: 5, size: 1 } },
  { op: 'sliceChannels', name: 'whole [2, 3, 3, 5]', inputs: [rnd([2, 3, 3, 5])], attrs: { start: 0, size: 5 } },
  { op: 'sliceChannels', name: 'long rows [2, 13, 13, 200] 64..192', inputs: [rnd([2, 13, 13, 200])], attrs: { start: 64, size: 128 } },
];

const t = (shape: number[]): InputSpec => ({ shape, seed: 1 });
export const sliceChannelsBadCases: BadCase[] = [
  { op: 'sliceChannels', name: 'out of range', inputs: [t([2, 4])], attrs: { start: 2, size: 3 }, error: 'InvalidArgumentError', message: /sliceChannels: channels \[2, 5\) are out of range for x \[2, 4\]/ },
  { op: 'sliceChannels', name: 'negative start', inputs: [t([2, 4])], attrs: { start: -1, size: 1 }, error: 'InvalidArgumentError', message: /sliceChannels: start must be >= 0/ },
  { op: 'sliceChannels', name: 'empty size', inputs: [t([2, 4])], attrs: { start: 0, size: 0 }, error: 'InvalidArgumentError', message: /sliceChannels: size must be >= 1/ },
];
