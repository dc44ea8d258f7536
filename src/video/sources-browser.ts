// Browser frame sources: a playing <video>, WebCodecs VideoFrames, a camera MediaStream. Pixels come out as RGBA
// (VideoFrame.copyTo straight into a buffer where the browser converts formats, else through a 2D canvas). Live
// sources are sampled: a frame that arrives while the previous one is still being processed is skipped, so the
// recogniser never falls behind a camera. Only DOM APIs, no Node modules.
import { InvalidArgumentError, UnsupportedError } from '../runtime/errors.js';
import type { RgbaImage } from '../face/image.js';
import type { FrameSource, SourceFrame } from './frames.js';

type Canvas2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

/** A reusable 2D context for reading pixels back. */
function canvas2d(width: number, height: number, prev?: Canvas2D): Canvas2D {
  if (prev && prev.canvas.width === width && prev.canvas.height === height) return prev;
  let ctx: Canvas2D | null;
  if (typeof OffscreenCanvas !== 'undefined') {
    ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  } else if (typeof document !== 'undefined') {
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    ctx = c.getContext('2d', { willReadFrequently: true });
  } else {
    throw new UnsupportedError('video frames: no OffscreenCanvas or document to read pixels with');
  }
  if (!ctx) throw new UnsupportedError('video frames: a 2D canvas context is not available');
  return ctx;
}

function drawToImage(src: CanvasImageSource, width: number, height: number, ctx: Canvas2D): RgbaImage {
  ctx.drawImage(src, 0, 0, width, height);
  const d = ctx.getImageData(0, 0, width, height);
  return { width, height, data: d.data };
}

/**
 * RGBA pixels of a WebCodecs VideoFrame (display size). Uses VideoFrame.copyTo with format 'RGBA' where the
 * browser converts (no canvas), else draws it on a canvas. Does not close the frame.
 */
export async function videoFrameToImage(frame: VideoFrame, reuse?: { ctx?: Canvas2D }): Promise<RgbaImage> {
  if (typeof VideoFrame === 'undefined' || !(frame instanceof VideoFrame)) throw new InvalidArgumentError('videoFrameToImage: expected a VideoFrame');
  const width = frame.displayWidth;
  const height = frame.displayHeight;
  if (frame.codedWidth === width && frame.codedHeight === height) {
    try {
      const data = new Uint8Array(width * height * 4);
      const rect = { x: 0, y: 0, width, height };
      await frame.copyTo(data, { format: frame.format === 'RGBA' || frame.format === 'RGBX' ? frame.format : 'RGBA', rect, layout: [{ offset: 0, stride: width * 4 }] });
      if (frame.format === 'BGRA' || frame.format === 'BGRX') throw new Error('copyTo kept BGRA');
      return { width, height, data };
    } catch {
      // Older browsers cannot convert in copyTo: use a canvas.
    }
  }
  const ctx = canvas2d(width, height, reuse?.ctx);
  if (reuse) reuse.ctx = ctx;
  return drawToImage(frame, width, height, ctx);
}

/** Whether any pixel has alpha (a decoded video frame is opaque; one never painted reads back transparent). */
function opaque(img: RgbaImage): boolean {
  for (let i = 3; i < img.data.length; i += 4) if (img.data[i] !== 0) return true;
  return false;
}

export interface VideoElementFramesOptions {
  /** Stop after this many frames. */
  maxFrames?: number;
}

/**
 * The frames a <video> presents while it plays (requestVideoFrameCallback; else polled each animation frame when
 * currentTime moves), first the frame on show when iterated while paused (so the first frame of a file is not
 * lost). Ends when the video ends or close() is called. Frames presented while the consumer is busy
 * are skipped: play the video at a lower playbackRate to process every frame of a file.
 */
export function videoElementFrames(video: HTMLVideoElement, options: VideoElementFramesOptions = {}): FrameSource {
  if (typeof HTMLVideoElement === 'undefined' || !(video instanceof HTMLVideoElement)) throw new InvalidArgumentError('videoElementFrames: expected an HTMLVideoElement');
  const max = options.maxFrames ?? Infinity;
  let closed = false;
  let wake: (() => void) | undefined;
  const close = async (): Promise<void> => {
    closed = true;
    wake?.();
  };
  /** Resolves with the media time (s) of the next presented frame, or null at the end. */
  const nextFrame = (): Promise<number | null> =>
    new Promise((done) => {
      if (closed || video.ended) return done(null);
      const finish = (t: number | null): void => {
        video.removeEventListener('ended', onEnd);
        wake = undefined;
        done(closed ? null : t);
      };
      const onEnd = (): void => finish(null);
      wake = onEnd;
      video.addEventListener('ended', onEnd);
      if (typeof video.requestVideoFrameCallback === 'function') {
        video.requestVideoFrameCallback((_now, meta) => finish(meta.mediaTime));
      } else {
        const last = video.currentTime;
        const poll = (): void => {
          if (closed || video.ended) return finish(null);
          if (video.currentTime !== last && video.readyState >= 2) return finish(video.currentTime);
          requestAnimationFrame(poll);
        };
        requestAnimationFrame(poll);
      }
    });
  return {
    ...(video.videoWidth ? { width: video.videoWidth, height: video.videoHeight } : {}),
    close,
    async *[Symbol.asyncIterator]() {
      const reuse: { ctx?: Canvas2D } = {};
      let index = 0;
      let last = -1;
      const grab = (): RgbaImage | null => {
        const w = video.videoWidth;
        const h = video.videoHeight;
        if (!w || !h) return null;
        reuse.ctx = canvas2d(w, h, reuse.ctx);
        return drawToImage(video, w, h, reuse.ctx);
      };
      try {
        // A paused video already showing a frame (e.g. the first, with preload='auto') presents it before play()
        // and no frame callback comes for it: take it now. A frame the browser has not painted yet reads back
        // fully transparent (headless Chromium): skip it, its frame callback will come.
        if (video.paused && !video.ended && video.readyState >= 2 && index < max) {
          const image = grab();
          if (image && opaque(image)) {
            last = video.currentTime;
            yield { image, timestamp: last * 1000, index: index++ } satisfies SourceFrame;
          }
        }
        while (!closed && index < max) {
          const t = await nextFrame();
          if (t === null) break;
          if (t === last) continue; // that frame was taken above
          const image = grab();
          if (!image) continue;
          last = t;
          yield { image, timestamp: t * 1000, index: index++ } satisfies SourceFrame;
        }
      } finally {
        closed = true;
      }
    },
  };
}

/** Converts an (async) iterable of VideoFrames (e.g. a VideoDecoder's output) to a FrameSource, closing each frame. */
export function videoFrames(frames: AsyncIterable<VideoFrame> | Iterable<VideoFrame>): FrameSource {
  let closed = false;
  return {
    close: async () => {
      closed = true;
    },
    async *[Symbol.asyncIterator]() {
      const reuse: { ctx?: Canvas2D } = {};
      let index = 0;
      for await (const vf of frames as AsyncIterable<VideoFrame>) {
        try {
          if (closed) break;
          const image = await videoFrameToImage(vf, reuse);
          yield { image, timestamp: vf.timestamp / 1000, index: index++ };
        } finally {
          vf.close();
        }
      }
    },
  };
}

interface TrackProcessor {
  readable: ReadableStream<VideoFrame>;
}
type TrackProcessorCtor = new (init: { track: MediaStreamTrack }) => TrackProcessor;

/**
 * Frames of a camera (or any) MediaStream's first video track: MediaStreamTrackProcessor where the browser has it
 * (VideoFrames, no <video> element), else a hidden muted <video> playing the stream. close() stops reading but does
 * not stop the stream's tracks (they are the caller's).
 */
export function mediaStreamFrames(stream: MediaStream, options: VideoElementFramesOptions = {}): FrameSource {
  if (typeof MediaStream === 'undefined' || !(stream instanceof MediaStream)) throw new InvalidArgumentError('mediaStreamFrames: expected a MediaStream');
  const track = stream.getVideoTracks()[0];
  if (!track) throw new InvalidArgumentError('mediaStreamFrames: the stream has no video track');
  const max = options.maxFrames ?? Infinity;
  const Processor = (globalThis as { MediaStreamTrackProcessor?: TrackProcessorCtor }).MediaStreamTrackProcessor;
  if (typeof Processor === 'function') {
    let reader: ReadableStreamDefaultReader<VideoFrame> | undefined;
    let closed = false;
    const close = async (): Promise<void> => {
      closed = true;
      await reader?.cancel().catch(() => {});
    };
    const settings = track.getSettings();
    return {
      ...(settings.width && settings.height ? { width: settings.width, height: settings.height } : {}),
      ...(settings.frameRate ? { fps: settings.frameRate } : {}),
      close,
      async *[Symbol.asyncIterator]() {
        reader = new Processor({ track }).readable.getReader();
        const reuse: { ctx?: Canvas2D } = {};
        let index = 0;
        let t0: number | undefined;
        try {
          while (!closed && index < max) {
            const { value: vf, done } = await reader.read();
            if (done || !vf) break;
            try {
              t0 ??= vf.timestamp;
              const image = await videoFrameToImage(vf, reuse);
              yield { image, timestamp: (vf.timestamp - t0) / 1000, index: index++ };
            } finally {
              vf.close();
            }
          }
        } finally {
          await close();
          reader.releaseLock();
        }
      },
    };
  }
  if (typeof document === 'undefined') throw new UnsupportedError('mediaStreamFrames: needs MediaStreamTrackProcessor or a document for a <video> element');
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  const inner = videoElementFrames(video, options);
  return {
    close: async () => {
      await inner.close();
      video.pause();
      video.srcObject = null;
    },
    async *[Symbol.asyncIterator]() {
      try {
        await video.play();
        let t0: number | undefined;
        for await (const f of inner) {
          t0 ??= f.timestamp;
          yield { ...f, timestamp: f.timestamp - t0 };
        }
      } finally {
        video.pause();
        video.srcObject = null;
      }
    },
  };
}
