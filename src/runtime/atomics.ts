/**
 * Whether this thread may block in Atomics.wait: workers and Node's main thread may; a browser page's main thread
 * (and an Electron renderer's) may not, and throws.
 */
export function canBlock(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0); // holds 0, not 1: returns at once
    return true;
  } catch {
    return false;
  }
}
