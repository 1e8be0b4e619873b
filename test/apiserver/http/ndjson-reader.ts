/** Reads an NDJSON watch response line by line as it arrives, with bounded, event-driven waits. */
import type { IncomingMessage } from 'node:http';
import type { WatchEvent } from '../../../api-types/meta.js';

/** Collects the parsed lines of a streaming response. */
export class NdjsonReader {
  readonly lines: WatchEvent[] = [];
  ended = false;
  private buf = '';
  private waiters: (() => void)[] = [];

  constructor(res: IncomingMessage) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      this.buf += chunk;
      let i;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        this.lines.push(JSON.parse(this.buf.slice(0, i)) as WatchEvent);
        this.buf = this.buf.slice(i + 1);
      }
      this.wake();
    });
    const end = () => {
      this.ended = true;
      this.wake();
    };
    res.on('end', end);
    res.on('close', end);
  }

  /** Waits until `pred` holds; fails after `limitMs` (a bound, not a sleep). */
  async until(pred: () => boolean, what: string, limitMs = 5000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.lines.map((l) => l.type))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50).unref();
      });
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
