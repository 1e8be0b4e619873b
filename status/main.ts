/**
 * The work of `svcplane status`: read the cluster through the API, draw one frame, and with
 * `--watch` draw again after every change (debounced), until SIGINT or SIGTERM. On a terminal a
 * frame replaces the last (ANSI clear); elsewhere frames follow one another, each ended by a
 * `---` line so a reader (a test, a log) can tell them apart.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { systemClock, type Clock, type TimerHandle } from '../controllers/runtime/clock.js';
import { HttpKubeClient } from '../controllers/runtime/http-client.js';
import type { KubeClient } from '../controllers/runtime/kube-client.js';
import { ClusterReader } from './gather.js';
import { progressLine, type ProgressSink } from './progress.js';
import { renderStatus } from './render.js';
import { shouldColor, styleFor } from './style.js';
import { summarizeCluster, type RangeConfig } from './summarize.js';

/** Clears a terminal and homes the cursor. */
export const clearScreen = '\x1b[H\x1b[2J';
/** Ends each frame of `--watch` off a terminal. */
export const frameDelimiter = '---';

/** Where the command writes, and its clock. */
export interface StatusIO {
  stdout: ProgressSink;
  stderr: ProgressSink;
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  random: () => number;
  /** Resolves when watching should stop. @default the first SIGINT or SIGTERM */
  untilStopped?: () => Promise<void>;
}

/** Options of {@link runStatus}. */
export interface StatusOptions {
  /**
   * Loads the kubeconfig (cmd/kubeconfig.ts `loadKubeConfig`); a failure is reported, exit 2 when
   * no usable kubeconfig was found (its error's code `KubeConfigUnusable`), else 1.
   */
  loadKubeConfig: () => KubeConfig;
  /** A client to use instead of one over HTTP from the kubeconfig (tests). */
  client?: KubeClient;
  watch: boolean;
  /** `--namespace`; without it, the kubeconfig context's namespace, else `default`. */
  namespace?: string;
  /** `--all-namespaces`. */
  allNamespaces: boolean;
  ranges: RangeConfig;
  /** Quiet time before a redraw in watch mode. @default 200 */
  debounceMs?: number;
  /** @default the process' streams, environment and the system clock */
  io?: StatusIO;
}

function processIO(): StatusIO {
  return {
    stdout: { write: (s) => void process.stdout.write(s), isTTY: process.stdout.isTTY },
    stderr: { write: (s) => void process.stderr.write(s), isTTY: process.stderr.isTTY },
    env: process.env,
    clock: systemClock,
    random: Math.random,
  };
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * The server as the header shows it: scheme, host and port only. A path may carry a credential
 * (the bundled API server puts its token there), and the header ends up in logs and screenshots.
 */
export function serverOrigin(server: string): string {
  try {
    return new URL(server).origin;
  } catch {
    return '<unknown server>';
  }
}

/** Returns the text of one frame for the output mode. */
export function frameText(lines: readonly string[], mode: { tty: boolean; watch: boolean }): string {
  const body = `${lines.join('\n')}\n`;
  if (!mode.watch) return body;
  return mode.tty ? clearScreen + body : `${body}${frameDelimiter}\n`;
}

/** Runs the command; resolves with the exit code (0, or 1 when the cluster cannot be read). */
export async function runStatus(o: StatusOptions): Promise<number> {
  const io = o.io ?? processIO();
  let kc: KubeConfig;
  let ownClient: HttpKubeClient | undefined;
  let reader: ClusterReader | undefined;
  try {
    kc = o.loadKubeConfig();
    const server = serverOrigin(kc.getCurrentCluster()?.server ?? '');
    const namespace = o.allNamespaces ? undefined : (o.namespace ?? (kc.getContextObject(kc.getCurrentContext())?.namespace || 'default'));
    const client = o.client ?? (ownClient = new HttpKubeClient({ kubeConfig: kc, userAgent: `svcplane-status/${process.version}` }));
    const progress = progressLine(io.stderr);
    reader = await ClusterReader.open({ client, server, namespace, clock: io.clock, random: io.random, onProgress: progress.update });
    try {
      await (o.watch ? reader.start() : reader.readOnce());
    } finally {
      progress.done();
    }
    const tty = io.stdout.isTTY === true;
    const style = styleFor({ color: shouldColor(tty, io.env), unicode: tty });
    const draw = (): string[] => renderStatus(summarizeCluster(reader!.snapshot(), o.ranges), { nowMs: io.clock.now(), style });
    if (!o.watch) {
      io.stdout.write(frameText(draw(), { tty, watch: false }));
      return 0;
    }
    await watchLoop(reader, draw, io, tty, o.debounceMs ?? 200);
    return 0;
  } catch (err) {
    io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return (err as { code?: unknown }).code === 'KubeConfigUnusable' ? 2 : 1;
  } finally {
    reader?.stop();
    ownClient?.close();
  }
}

/** Draws the first frame, then a frame after each quiet spell following changes; skips frames that show nothing new. */
async function watchLoop(reader: ClusterReader, draw: () => string[], io: StatusIO, tty: boolean, debounceMs: number): Promise<void> {
  let last = '';
  let timer: TimerHandle | undefined;
  const redraw = () => {
    timer = undefined;
    const lines = draw();
    // The header carries the time; a frame is new when anything below it changed.
    const body = lines.slice(1).join('\n');
    if (body === last) return;
    last = body;
    io.stdout.write(frameText(lines, { tty, watch: true }));
  };
  reader.onChange(() => {
    timer ??= io.clock.setTimer(redraw, debounceMs);
  });
  redraw();
  // The runtime's timers are unref'd and a watch may be between connections: hold the process open.
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    await (io.untilStopped ?? untilSignal)();
  } finally {
    clearInterval(keepAlive);
    timer?.cancel();
  }
}
