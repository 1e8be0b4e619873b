/**
 * The progress line of a large first sync (`listing services… 3,500  endpointslices… 1,000`),
 * rewritten in place on a terminal's stderr and wiped once the lists are done. Off a terminal it
 * writes nothing: a log file or a test should not collect carriage returns.
 */
import { formatCount } from './table.js';

/** Where progress goes. */
export interface ProgressSink {
  write(text: string): void;
  readonly isTTY?: boolean;
}

/** A progress line. */
export interface Progress {
  /** Records that `resource` has listed `listed` items and redraws the line. */
  update(resource: string, listed: number): void;
  /** Wipes the line (idempotent). */
  done(): void;
}

/** Returns the progress line for `sink`: a no-op unless it is a terminal. */
export function progressLine(sink: ProgressSink): Progress {
  if (!sink.isTTY) return { update() {}, done() {} };
  const counts = new Map<string, number>();
  let shown = false;
  return {
    update(resource, listed) {
      counts.set(resource, listed);
      const text = [...counts].map(([r, n]) => `${r}… ${formatCount(n)}`).join('  ');
      sink.write(`\r\x1b[Klisting ${text}`);
      shown = true;
    },
    done() {
      if (shown) sink.write('\r\x1b[K');
      shown = false;
    },
  };
}
