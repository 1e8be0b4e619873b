/**
 * The structured logger: pino, JSON lines on stderr, with a readable (pino-pretty) form when
 * stderr is a terminal. Controllers receive a logger; pure cores never log.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

/** Log levels accepted by --log-level. */
export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
/** One of logLevels. */
export type LogLevel = (typeof logLevels)[number];

/** Options of createLogger. */
export interface LoggerOptions {
  /** @default 'info' */
  level?: LogLevel;
  /** 'json' always writes JSON lines; 'text' always pretty-prints; 'auto' pretty-prints on a TTY. @default 'auto' */
  format?: 'auto' | 'json' | 'text';
  /** Where to write. @default process.stderr */
  destination?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Creates the process logger. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const destination = opts.destination ?? process.stderr;
  const format = opts.format ?? 'auto';
  const readable = format === 'text' || (format === 'auto' && destination.isTTY === true);
  const stream = readable ? pretty({ destination, colorize: destination.isTTY === true, sync: true, ignore: 'pid,hostname' }) : destination;
  return pino({ level: opts.level ?? 'info', base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, stream);
}

/** A logger that writes nothing (tests, libraries used without a logger). */
export const silentLogger: Logger = pino({ level: 'silent' });
