// Frame sources: async iterables of RGBA frames with timestamps. Every source here and in sources-node.ts /
// sources-browser.ts yields one frame at a time and holds at most a few, so a long video never sits in memory.
import { InvalidArgumentError } from '../runtime/errors.js';
import { checkImage, type RgbaImage } from '../face/image.js';

/** One decoded frame. */
export interface SourceFrame {
  image: RgbaImage;
  /** Presentation time in milliseconds from the start of the source. */
  timestamp: number;
  /** 0-based position in the source. */
  index: number;
}

/**
 * A stream of frames. Iterate it once with `for await`; breaking out of the loop (or close()) stops the decoder
 * and frees what it holds (a spawned ffmpeg is killed).
 */
export interface FrameSource extends AsyncIterable<SourceFrame> {
  /** Frame size, when known before decoding. */
  readonly width?: number;
  readonly height?: number;
  /** Frame count, when the container says (progress bars). */
  readonly frameCount?: number;
  /** Nominal frames per second, when known. */
  readonly fps?: number;
  /** Stops decoding and frees the decoder; safe to call twice and after the iteration ended. */
  close(): Promise<void>;
}

/** What the video APIs accept as frames: a FrameSource or any (async) iterable of images or frames. */
export type FrameInput = AsyncIterable<RgbaImage | SourceFrame> | Iterable<RgbaImage | SourceFrame>;

const isFrame = (x: unknown): x is SourceFrame => !!x && typeof x === 'object' && 'image' in x && !('data' in x);

/**
 * Wraps images or frames as a FrameSource. Bare images get index order and timestamps at `fps` (default 30);
 * frames keep theirs. Each image is checked (size and buffer) as it arrives.
 */
export function framesFrom(input: FrameInput, options: { fps?: number } = {}): FrameSource {
  const fps = options.fps ?? 30;
  if (!(fps > 0) || !Number.isFinite(fps)) throw new InvalidArgumentError(`framesFrom: fps must be a positive number, got ${JSON.stringify(options.fps)}`);
  if (!input || (typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function' && typeof (input as Iterable<unknown>)[Symbol.iterator] !== 'function')) {
    throw new InvalidArgumentError('framesFrom: expected an iterable or async iterable of RGBA images or { image, timestamp } frames');
  }
  let it: AsyncIterator<RgbaImage | SourceFrame> | Iterator<RgbaImage | SourceFrame> | undefined;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await it?.return?.();
  };
  return {
    fps,
    close,
    async *[Symbol.asyncIterator]() {
      if (closed) return;
      it = typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
        ? (input as AsyncIterable<RgbaImage | SourceFrame>)[Symbol.asyncIterator]()
        : (input as Iterable<RgbaImage | SourceFrame>)[Symbol.iterator]();
      let i = 0;
      try {
        while (!closed) {
          const r = await it.next();
          if (r.done) break;
          const x = r.value;
          if (isFrame(x)) {
            const ts = typeof x.timestamp === 'number' && Number.isFinite(x.timestamp) ? x.timestamp : (i * 1000) / fps;
            yield { image: checkImage(x.image, `frame ${i}`), timestamp: ts, index: Number.isInteger(x.index) ? x.index : i };
          } else {
            yield { image: checkImage(x, `frame ${i}`), timestamp: (i * 1000) / fps, index: i };
          }
          i++;
        }
      } finally {
        await close();
      }
    },
  };
}

/** True for a FrameSource (has close() besides being async iterable). */
export function isFrameSource(x: unknown): x is FrameSource {
  return !!x && typeof (x as FrameSource).close === 'function' && typeof (x as FrameSource)[Symbol.asyncIterator] === 'function';
}
