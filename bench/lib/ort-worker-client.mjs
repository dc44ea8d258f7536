// The main-thread side of ./ort-worker.mjs: onnxruntime-web at `threads` threads in a worker thread of its own (ORT
// reads numThreads once per module instance, so each thread count needs its own module graph). call(type, args,
// transfer) posts one request and resolves with the worker's result (rejects with its error).
import { Worker } from 'node:worker_threads';

export function startOrtWorker(threads) {
  const worker = new Worker(new URL('./ort-worker.mjs', import.meta.url), { workerData: { threads } });
  const pending = new Map();
  let nextId = 0;
  worker.on('message', ({ id, result, error }) => {
    const p = pending.get(id);
    pending.delete(id);
    if (error) p?.reject(new Error(error));
    else p?.resolve(result);
  });
  worker.on('error', (e) => pending.forEach((p) => p.reject(e)));
  return {
    call: (type, args = {}, transfer = []) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, type, ...args }, transfer);
      }),
    terminate: () => worker.terminate(),
  };
}
