/// <reference types="@webgpu/types" preserve="true" />
import type { Backend, BackendStats } from '../backend.js';
import { DeviceLostError, KernelError } from '../errors.js';
import { canBlock } from '../atomics.js';

/** A tensor's storage on the GPU: a pooled storage buffer holding at least `size` f32. */
export interface GpuStorage {
  buffer: GPUBuffer;
  size: number;
}

export interface DispatchSpec {
  /** Key into the shader table (file name in shaders/ without .wgsl). */
  shader: string;
  entryPoint?: string;
  /** `override` constants: specialise the pipeline (cached per shader + constants). */
  constants?: Record<string, number | boolean>;
  /** Storage buffers bound to @group(0) @binding(0..n-1) in order. */
  bindings: readonly GpuStorage[];
  /** Optional textures bound after the storage buffers (@binding(n..)), before the uniform block. */
  textures?: readonly GPUTexture[];
  /** Optional uniform block bound after the storage buffers (and textures). */
  uniforms?: ArrayBuffer | ArrayBufferView;
  /** Workgroup counts; use `grid()` to split large 1-D counts. */
  workgroups: readonly [number, number?, number?];
}

const STORAGE = 0x80 | 0x08 | 0x04; // STORAGE | COPY_DST | COPY_SRC
const UNIFORM = 0x40 | 0x08; // UNIFORM | COPY_DST
const READBACK = 0x01 | 0x08; // MAP_READ | COPY_DST
/**
 * Recorded dispatches after which the pending work is submitted without waiting for a read: the device starts on
 * the first layers while the rest are still being recorded (a chain of up to 3 ops still goes out in one submit).
 * FaceLandmark68Net on lavapipe (2 cores), median ms per forward: 11.2-11.7 with one submit per read, 9.0-9.8
 * every 4 dispatches, 8.9-9.7 every 2, 9.3-10.6 every 8, 9.9 every 1; TinyFaceDetector and FaceRecognitionNet
 * unchanged within noise.
 */
const FLUSH_DISPATCHES = 4;
/**
 * Node (dawn.node) settles GPU promises only when JS polls it, and it polls from a setImmediate loop: awaiting a
 * readback spins the main thread at 100% of a core. A software Vulkan (lavapipe) runs its shaders on those same
 * cores, so the spin took half of a 2-core machine from the GPU. Instead the main thread sleeps WAIT_SLICE_MS
 * between polls (0.05-0.1 ms polled too often, 0.3-0.5 ms added latency). bench/networks.mjs ours-webgpu on
 * lavapipe (2 cores), median ms, spinning -> sleeping (with MAX_BIND_GROUPS): FaceLandmark68Net 9.3 -> 7.2-7.6,
 * TinyFaceDetector 416 forward 40 -> 25, FaceRecognitionNet 150 61 -> 36. Browsers settle these promises
 * themselves: there the wait is a plain await.
 */
const WAIT_SLICE_MS = 0.2;
/**
 * Bind groups kept for reuse (least recently used dropped first). createBindGroup took ~23 us of the main thread
 * per dispatch through dawn.node; a network run again on pooled buffers binds the same buffers again (the uniform
 * buffers too: the pool hands them out in a repeating order). FaceLandmark68Net on lavapipe: recording 2.4 -> 1.3
 * ms per forward, forward 8.1 -> 7.2 ms (median).
 */
const MAX_BIND_GROUPS = 1024;
const IMAGE_TEXTURE = 0x04 | 0x02 | 0x10; // TEXTURE_BINDING | COPY_DST | RENDER_ATTACHMENT (copyExternalImageToTexture)
const MAX_WG = 65535;

/** RGBA bytes for uploadImage where there is no browser image source (Node; tests). */
export interface RgbaPixels {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

type SetImmediate = (cb: () => void) => unknown;
const nodeImmediate = (globalThis as { setImmediate?: SetImmediate }).setImmediate;
const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
/** A cell to sleep on where this Node thread may block in Atomics.wait; null where the wait is a plain await. */
const sleeper = isNode && nodeImmediate && canBlock() ? new Int32Array(new SharedArrayBuffer(4)) : null;

/** Resolves (or rejects) with `p`; in Node, sleeps between dawn.node's polls instead of spinning (WAIT_SLICE_MS). */
async function settle<T>(p: Promise<T>): Promise<T> {
  if (!sleeper) return p;
  let done = false;
  const flag = () => void (done = true);
  p.then(flag, flag);
  while (!done) {
    Atomics.wait(sleeper, 0, 0, WAIT_SLICE_MS);
    await new Promise<void>((r) => nodeImmediate!(r));
  }
  return p;
}

/** Rounds a byte size up to the pool's bucket (256 B steps): buffers of similar size share a bucket. */
function bucket(bytes: number): number {
  return Math.max(256, Math.ceil(bytes / 256) * 256);
}

/** Splits `n` workgroups over x and y so neither exceeds the 65535 limit; shaders rebuild the index. */
export function grid(n: number): [number, number] {
  if (n <= MAX_WG) return [Math.max(1, n), 1];
  const y = Math.ceil(n / MAX_WG);
  return [Math.ceil(n / y), y];
}

class BufferPool {
  private free = new Map<string, GPUBuffer[]>();
  count = 0;
  bytes = 0;
  pooled = 0;
  constructor(
    private device: GPUDevice,
    private usage: number,
    private label: string,
  ) {}
  acquire(bytes: number): GPUBuffer {
    const size = bucket(bytes);
    const list = this.free.get(String(size));
    const b = list?.pop();
    if (b) {
      this.pooled--;
      return b;
    }
    this.count++;
    this.bytes += size;
    return this.device.createBuffer({ size, usage: this.usage, label: `${this.label}-${size}` });
  }
  giveBack(b: GPUBuffer): void {
    const key = String(b.size);
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    list.push(b);
    this.pooled++;
  }
  destroyAll(live: Iterable<GPUBuffer>): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    for (const b of live) b.destroy();
    this.free.clear();
    this.count = this.pooled = this.bytes = 0;
  }
}

/**
 * WebGPU backend: one code path for Dawn (Node) and browsers; only device acquisition differs (platform module).
 * Work is recorded into one command encoder (one compute pass where possible) and submitted once per flush,
 * which happens when something is read back.
 */
export class WebGpuBackend implements Backend<GpuStorage> {
  readonly name = 'webgpu' as const;
  lost = false;
  lostReason = '';
  private storagePool: BufferPool;
  private uniformPool: BufferPool;
  private readPool: BufferPool;
  private liveStorage = new Set<GPUBuffer>();
  private liveTextures = new Set<GPUTexture>();
  private texturesAfterSubmit: GPUTexture[] = [];
  private pipelines = new Map<string, GPUComputePipeline>();
  /** Each pipeline's bind group layout (getBindGroupLayout makes a new wrapper object per call). */
  private layouts = new Map<GPUComputePipeline, GPUBindGroupLayout>();
  /**
   * Bind groups by pipeline and buffers (see MAX_BIND_GROUPS). Pooled buffers are only destroyed on dispose, so
   * a cached group never refers to a destroyed buffer.
   */
  private groups = new Map<string, GPUBindGroup>();
  /** Small ids for pipelines and buffers, for the bind group keys. */
  private ids = new WeakMap<object, number>();
  private nextId = 1;
  private modules = new Map<string, GPUShaderModule>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  /** Buffers released or used as uniforms while work is recorded: back to the pool after the submit. */
  private afterSubmit: Array<[BufferPool, GPUBuffer]> = [];
  private submits = 0;
  private bindGroupsMade = 0;
  /** Dispatches recorded since the last submit (see FLUSH_DISPATCHES). */
  private pendingDispatches = 0;
  private errors: string[] = [];
  private disposed = false;

  constructor(
    readonly device: GPUDevice,
    private shaders: Readonly<Record<string, string>>,
    readonly adapterInfo: string,
  ) {
    this.storagePool = new BufferPool(device, STORAGE, 'tensor');
    this.uniformPool = new BufferPool(device, UNIFORM, 'uniform');
    this.readPool = new BufferPool(device, READBACK, 'readback');
    device.lost.then((info) => {
      this.lost = true;
      this.lostReason = `${info.reason}: ${info.message}`;
    });
    device.addEventListener('uncapturederror', (ev) => {
      this.errors.push((ev as GPUUncapturedErrorEvent).error.message);
    });
  }

  /** `features: 'core'` requests no optional feature (kernels then take their core-WebGPU paths). */
  static async create(gpu: GPU, shaders: Readonly<Record<string, string>>, options: { features?: 'all' | 'core' } = {}): Promise<WebGpuBackend | null> {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return null;
    const l = adapter.limits;
    const device = await adapter.requestDevice({
      // Subgroup ops let kernels share loads across lanes (conv2d_vec4_sg); kernels check device.features.
      requiredFeatures: options.features !== 'core' && adapter.features.has('subgroups') ? ['subgroups' as GPUFeatureName] : [],
      requiredLimits: {
        maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      },
    });
    const info = adapter.info;
    const desc = [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ');
    return new WebGpuBackend(device, shaders, desc || 'unknown adapter');
  }

  private checkAlive(): void {
    if (this.lost || this.disposed) throw new DeviceLostError(`webgpu: device lost (${this.lostReason || 'disposed'})`);
  }

  alloc(size: number): GpuStorage {
    this.checkAlive();
    const buffer = this.storagePool.acquire(size * 4);
    this.liveStorage.add(buffer);
    return { buffer, size };
  }

  upload(data: Float32Array): GpuStorage {
    const s = this.alloc(data.length);
    // writeBuffer runs on the queue before the pending encoder's commands; the buffer came from the free pool,
    // so no pending command still reads it.
    if (data.length) this.device.queue.writeBuffer(s.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return s;
  }

  uploadU8(data: Uint8Array): GpuStorage {
    const words = Math.ceil(data.length / 4);
    const s = this.alloc(words);
    if (words) {
      const padded = new Uint8Array(words * 4);
      padded.set(data);
      this.device.queue.writeBuffer(s.buffer, 0, padded);
    }
    return s;
  }

  async readU8(s: GpuStorage, count: number): Promise<Uint8Array> {
    const words = await this.read(s, Math.ceil(count / 4));
    return new Uint8Array(words.buffer, 0, count).slice();
  }

  /**
   * An image as a new rgba8unorm texture (unpremultiplied, not flipped): a browser image source goes straight to
   * the GPU through copyExternalImageToTexture, bytes through writeTexture. The caller frees it with releaseTexture.
   */
  uploadImage(src: GPUCopyExternalImageSource | RgbaPixels, width: number, height: number): GPUTexture {
    this.checkAlive();
    const texture = this.device.createTexture({ size: [width, height], format: 'rgba8unorm', usage: IMAGE_TEXTURE, label: 'image' });
    this.liveTextures.add(texture);
    try {
      if ('data' in src && !(typeof ImageData !== 'undefined' && src instanceof ImageData)) {
        const d = src.data;
        this.device.queue.writeTexture({ texture }, d as Uint8Array<ArrayBuffer>, { bytesPerRow: width * 4, rowsPerImage: height }, [width, height]);
      } else {
        this.device.queue.copyExternalImageToTexture({ source: src as GPUCopyExternalImageSource }, { texture, premultipliedAlpha: false }, [width, height]);
      }
    } catch (e) {
      this.releaseTexture(texture);
      throw new KernelError(`webgpu: image upload failed: ${(e as Error)?.message ?? e}`);
    }
    return texture;
  }

  /** Frees a texture from uploadImage once the recorded work that reads it has been submitted. */
  releaseTexture(t: GPUTexture): void {
    if (!this.liveTextures.delete(t)) return;
    if (this.encoder) this.texturesAfterSubmit.push(t);
    else t.destroy();
  }

  release(s: GpuStorage): void {
    if (!this.liveStorage.delete(s.buffer)) return;
    if (this.encoder) this.afterSubmit.push([this.storagePool, s.buffer]);
    else this.storagePool.giveBack(s.buffer);
  }

  private pipeline(shader: string, entryPoint: string, constants?: Record<string, number | boolean>): GPUComputePipeline {
    const consts = constants ?? {};
    const key = `${shader}|${entryPoint}|${Object.keys(consts)
      .sort()
      .map((k) => `${k}=${Number(consts[k])}`)
      .join(',')}`;
    let p = this.pipelines.get(key);
    if (p) return p;
    let module = this.modules.get(shader);
    if (!module) {
      const code = this.shaders[shader];
      if (code === undefined) throw new KernelError(`webgpu: no shader named '${shader}'`);
      module = this.device.createShaderModule({ code, label: shader });
      this.modules.set(shader, module);
    }
    const numeric: Record<string, number> = {};
    for (const [k, v] of Object.entries(consts)) numeric[k] = Number(v);
    p = this.device.createComputePipeline({
      layout: 'auto',
      label: key,
      compute: { module, entryPoint, constants: numeric },
    });
    this.pipelines.set(key, p);
    return p;
  }

  private computePass(): GPUComputePassEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    if (!this.pass) this.pass = this.encoder.beginComputePass();
    return this.pass;
  }

  private commandEncoder(): GPUCommandEncoder {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    return this.encoder;
  }

  private objectId(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.nextId++));
    return id;
  }

  /** Records one dispatch into the pending command encoder. */
  dispatch(spec: DispatchSpec): void {
    this.checkAlive();
    const pipeline = this.pipeline(spec.shader, spec.entryPoint ?? 'main', spec.constants);
    let ub: GPUBuffer | undefined;
    let ubSize = 0;
    if (spec.uniforms) {
      const src = spec.uniforms;
      const bytes = src instanceof ArrayBuffer ? new Uint8Array(src) : new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
      ub = this.uniformPool.acquire(bytes.byteLength);
      // Each dispatch gets its own uniform buffer; it returns to the pool only after the submit.
      this.device.queue.writeBuffer(ub, 0, bytes as Uint8Array<ArrayBuffer>);
      this.afterSubmit.push([this.uniformPool, ub]);
      ubSize = Math.ceil(bytes.byteLength / 16) * 16;
    }
    // Bind groups are cached by pipeline and buffers (not for textures: their views are made per dispatch).
    let key: string | undefined;
    if (!spec.textures?.length) {
      key = String(this.objectId(pipeline));
      for (const b of spec.bindings) key += `,${this.objectId(b.buffer)}`;
      if (ub) key += `|${this.objectId(ub)}:${ubSize}`;
    }
    let group = key === undefined ? undefined : this.groups.get(key);
    if (group) {
      // Most recently used last: the oldest entry is the first evicted.
      this.groups.delete(key!);
      this.groups.set(key!, group);
    } else {
      const entries: GPUBindGroupEntry[] = spec.bindings.map((s, i) => ({ binding: i, resource: { buffer: s.buffer } }));
      for (const t of spec.textures ?? []) entries.push({ binding: entries.length, resource: t.createView() });
      if (ub) entries.push({ binding: entries.length, resource: { buffer: ub, size: ubSize } });
      let layout = this.layouts.get(pipeline);
      if (!layout) {
        layout = pipeline.getBindGroupLayout(0);
        this.layouts.set(pipeline, layout);
      }
      group = this.device.createBindGroup({ layout, entries });
      this.bindGroupsMade++;
      if (key !== undefined) {
        if (this.groups.size >= MAX_BIND_GROUPS) this.groups.delete(this.groups.keys().next().value!);
        this.groups.set(key, group);
      }
    }
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    const [x, y = 1, z = 1] = spec.workgroups;
    if (x > 0 && y > 0 && z > 0) pass.dispatchWorkgroups(x, y, z);
    if (++this.pendingDispatches >= FLUSH_DISPATCHES) this.flush();
  }

  /** Records a buffer-to-buffer copy (for concat-like ops and reshapes that need a real copy). */
  copy(src: GpuStorage, srcOffsetElems: number, dst: GpuStorage, dstOffsetElems: number, sizeElems: number): void {
    this.checkAlive();
    if (sizeElems <= 0) return;
    this.commandEncoder().copyBufferToBuffer(src.buffer, srcOffsetElems * 4, dst.buffer, dstOffsetElems * 4, sizeElems * 4);
  }

  flush(): void {
    if (!this.encoder || this.lost) return;
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    const cb = this.encoder.finish();
    this.encoder = null;
    this.pendingDispatches = 0;
    this.device.queue.submit([cb]);
    this.submits++;
    for (const [pool, b] of this.afterSubmit) pool.giveBack(b);
    this.afterSubmit = [];
    for (const t of this.texturesAfterSubmit) t.destroy(); // the GPU keeps it until the submitted work is done
    this.texturesAfterSubmit = [];
  }

  async read(s: GpuStorage, size: number): Promise<Float32Array> {
    this.checkAlive();
    if (size === 0) return new Float32Array(0);
    const staging = this.readPool.acquire(size * 4);
    this.commandEncoder().copyBufferToBuffer(s.buffer, 0, staging, 0, size * 4);
    this.flush();
    try {
      await settle(staging.mapAsync(1 /* GPUMapMode.READ */, 0, size * 4));
    } catch (e) {
      // A destroyed device rejects the map before `device.lost` has settled: give it a moment to say so.
      if (!this.lost) await Promise.race([this.device.lost, new Promise((r) => setTimeout(r, 50))]);
      if (this.lost) throw new DeviceLostError(`webgpu: device lost during readback (${this.lostReason})`);
      throw new KernelError(`webgpu: readback failed: ${(e as Error).message}; ${this.errors.join('; ')}`);
    }
    const out = new Float32Array(staging.getMappedRange(0, size * 4).slice(0));
    staging.unmap();
    this.readPool.giveBack(staging);
    this.throwErrors();
    return out;
  }

  /** Surfaces validation errors Dawn reported asynchronously (shader compile, binding mismatch). */
  throwErrors(): void {
    if (this.errors.length) {
      const msg = this.errors.join('\n');
      this.errors = [];
      throw new KernelError(`webgpu: ${msg}`);
    }
  }

  stats(): BackendStats {
    const p = this.storagePool;
    return {
      allocations: p.count + this.uniformPool.count,
      pooled: p.pooled + this.uniformPool.pooled,
      bytes: p.bytes + this.uniformPool.bytes + this.readPool.bytes,
      pipelines: this.pipelines.size,
      submits: this.submits,
      bindGroups: this.bindGroupsMade,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    if (!this.lost) this.flush();
    this.disposed = true;
    this.storagePool.destroyAll(this.liveStorage);
    this.uniformPool.destroyAll([]);
    this.readPool.destroyAll([]);
    this.liveStorage.clear();
    for (const t of [...this.liveTextures, ...this.texturesAfterSubmit]) t.destroy();
    this.liveTextures.clear();
    this.texturesAfterSubmit = [];
    this.pipelines.clear();
    this.layouts.clear();
    this.groups.clear();
    this.modules.clear();
    this.device.destroy();
  }
}
