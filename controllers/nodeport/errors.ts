/**
 * Typed failures of the nodeport controller. Callers match on `code`, never on the message.
 */

/** The stable codes of nodeport controller failures. */
export type NodePortErrorCode = 'PortMapWriteFailed' | 'PortMapCorrupt';

/** A nodeport controller failure with a stable `code`. */
export class NodePortError extends Error {
  /** The stable code of this failure. */
  readonly code: NodePortErrorCode;

  /** Creates the error; `cause` keeps the underlying failure. */
  constructor(code: NodePortErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'NodePortError';
  }
}
