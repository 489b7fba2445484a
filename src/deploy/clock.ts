// Time, injected: the runner and the sim driver read and wait through a Clock, so tests
// and benchmarks play a deployment at maximum speed on virtual time, deterministically.

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Virtual clocks run as fast as the CPU allows. */
  readonly virtual: boolean;
  /**
   * Real work (I/O, real timers) that virtual time must wait for: while it runs a virtual
   * clock stands still, so a step's timeout cannot fire just because the CPU was idle.
   */
  hold<T>(work: Promise<T>): Promise<T>;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export const realClock: Clock = {
  virtual: false,
  hold: (work) => work,
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      // Node fires a timer longer than ~24.8 days at once (TimeoutOverflowWarning): longer
      // sleeps (a slow --speed) go in steps.
      let timer: NodeJS.Timeout;
      const arm = (left: number) => {
        timer = setTimeout(() => {
          if (left > MAX_TIMER_MS) return arm(left - MAX_TIMER_MS);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, Math.min(MAX_TIMER_MS, Math.max(0, left)));
      };
      arm(ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

interface Sleeper {
  wake: number;
  seq: number;
  resolve(): void;
  reject(e: unknown): void;
  cancelled: boolean;
}

/**
 * A discrete-event clock: `sleep` queues a wake-up; one sleeper is woken per macrotask,
 * earliest first, and `now()` jumps to its time. Between wake-ups every microtask runs,
 * so the woken code reaches its next sleep before time moves on: the order of events is
 * the order they would have in real time, and the same for every run.
 */
export function virtualClock(start = Date.UTC(2026, 0, 1)): Clock {
  let now = start;
  let seq = 0;
  const heap: Sleeper[] = [];
  let scheduled = false;
  let holds = 0;
  let cancelled = 0;

  const less = (a: Sleeper, b: Sleeper) => a.wake < b.wake || (a.wake === b.wake && a.seq < b.seq);
  const push = (s: Sleeper) => {
    heap.push(s);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const pop = (): Sleeper | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  };
  const tick = () => {
    scheduled = false;
    if (holds > 0) return;
    let s = pop();
    while (s?.cancelled) {
      cancelled--;
      s = pop();
    }
    if (!s) return;
    if (s.wake > now) now = s.wake;
    s.resolve();
    schedule();
  };
  function schedule() {
    if (scheduled || holds > 0 || heap.length === 0) return;
    scheduled = true;
    setImmediate(tick);
  }

  return {
    virtual: true,
    now: () => now,
    async hold(work) {
      holds++;
      try {
        return await work;
      } finally {
        holds--;
        schedule();
      }
    },
    sleep(ms, signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(abortReason(signal));
        const sleeper: Sleeper = { wake: now + Math.max(0, ms), seq: seq++, resolve, reject, cancelled: false };
        if (signal) {
          const onAbort = () => {
            sleeper.cancelled = true;
            reject(abortReason(signal));
            // A step's timeout is cancelled when the step ends, long before it would wake:
            // drop the dead entries now and then, so they do not keep finished steps alive.
            if (++cancelled > 64 && cancelled > heap.length / 2) {
              const live = heap.filter((x) => !x.cancelled).sort((a, b) => (less(a, b) ? -1 : 1));
              heap.length = 0;
              heap.push(...live);
              cancelled = 0;
            }
          };
          signal.addEventListener('abort', onAbort, { once: true });
          sleeper.resolve = () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          };
        }
        push(sleeper);
        schedule();
      });
    },
  };
}
