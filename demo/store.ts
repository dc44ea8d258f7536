// The demo's persistence: one IndexedDB object store of key -> value. The gallery is kept as FaceGallery.toBytes()
// (the library's versioned, checksummed format), and each person's thumbnail as a data: URL.
const DB_NAME = 'facegpu-demo';
const STORE = 'kv';
export const GALLERY_KEY = 'gallery';
export const thumbKey = (name: string): string => `thumb:${name}`;

let dbPromise: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') return Promise.reject(new Error('IndexedDB is not available in this browser'));
  dbPromise ??= new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB: cannot open the database'));
    req.onblocked = () => reject(new Error('IndexedDB: the database is blocked by another tab'));
  }).catch((e: unknown) => {
    dbPromise = null;
    throw e;
  });
  return dbPromise;
}

async function tx<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const db = await open();
  return new Promise<T | undefined>((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const req = run(t.objectStore(STORE));
    t.oncomplete = () => resolve(req ? req.result : undefined);
    t.onerror = () => reject(t.error ?? new Error('IndexedDB: transaction failed'));
    t.onabort = () => reject(t.error ?? new Error('IndexedDB: transaction aborted'));
  });
}

export async function idbGet<T>(key: string): Promise<T | undefined> {
  return (await tx<T>('readonly', (s) => s.get(key) as IDBRequest<T>)) ?? undefined;
}

/** Writes several keys (undefined deletes) in one transaction: the gallery and its thumbnails change together. */
export async function idbUpdate(entries: Record<string, unknown>): Promise<void> {
  await tx('readwrite', (s) => {
    for (const [k, v] of Object.entries(entries)) {
      if (v === undefined) s.delete(k);
      else s.put(v, k);
    }
  });
}
