// EngineOptions.webgpuFeatures: 'core' asks for no optional WebGPU feature, so kernels take their core paths
// (the conformance suite runs every case on such an engine as 'webgpu-core').
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/index.node.js';
import type { WebGpuBackend } from '../../src/runtime/backends/webgpu.js';
import { InvalidArgumentError } from '../../src/runtime/errors.js';
import { nodePlatform } from '../../src/runtime/platform-node.js';

const quiet = { log: null };
const features = (e: Engine) => [...(e.backend as WebGpuBackend).device.features];

describe('webgpuFeatures', () => {
  it("'core' requests no optional feature; the default takes subgroups where the adapter offers them", async () => {
    const adapter = await (await nodePlatform.gpu())!.requestAdapter();
    const core = await createEngine({ backend: 'webgpu', webgpuFeatures: 'core', ...quiet });
    const all = await createEngine({ backend: 'webgpu', ...quiet });
    expect(features(core)).not.toContain('subgroups');
    expect(core.chosen).toMatch(/core features only/);
    expect(features(all).includes('subgroups')).toBe(adapter!.features.has('subgroups'));
    core.dispose();
    all.dispose();
  });

  it('rejects other values with a typed error', async () => {
    await expect(createEngine({ backend: 'webgpu', webgpuFeatures: 'some' as never, ...quiet })).rejects.toThrow(InvalidArgumentError);
    await expect(createEngine({ webgpuFeatures: 'none' as never, ...quiet })).rejects.toThrow(/webgpuFeatures must be 'all' or 'core', got "none"/);
  });
});
