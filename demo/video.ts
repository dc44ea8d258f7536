// HOOK (issue 5, video face recognition): video playback with live track IDs and names.
//
// The tracker API does not exist yet (issue 5 plans `const vr = fr.video({ aggregator })`, `vr.push(frame)`
// returning track-start / track-update (identity, confidence, box) / track-end events). Until it lands the page
// shows the section with a note and nothing pretends to track. When it lands:
//   1. add `<input id="video-input" type="file" accept="video/*">` and a `<video controls>` in #video-section,
//   2. on each frame (requestVideoFrameCallback), push the frame to `vr` and keep the live tracks from its events,
//   3. draw them with drawOverlay() (draw.ts) after mapping each track to a FaceResult whose tag shows
//      `#<track id> <name>`, and list them in the results list like photo faces,
//   4. extend test/e2e/demo.test.ts with ../shared/data/video/elon-musk-smoke.gif or face-api-video.mp4.
import type { FaceRecognizer } from '../src/index.js';

/** Whether the recognizer has the video API (issue 5). */
export function videoTrackingAvailable(fr: FaceRecognizer): boolean {
  return typeof (fr as unknown as { video?: unknown }).video === 'function';
}

/** Fills the video section: today a note saying what is missing. */
export function setupVideoSection(fr: FaceRecognizer, note: HTMLElement): void {
  note.textContent = videoTrackingAvailable(fr)
    ? 'The video tracking API is available in this build, but this page does not use it yet (see demo/video.ts).'
    : 'Coming with video face recognition (issue 5): play a video file with live track IDs and names. ' +
      'The library has no tracker yet, so this page does not fake one.';
}
