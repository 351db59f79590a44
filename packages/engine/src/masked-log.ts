/**
 * A try's log with its secrets masked: every stream (stdout, stderr,
 * system) goes through its own MaskingStream, so a secret split across
 * chunks of one stream is still hidden, and the error a failed try records
 * is masked the same way.
 */
import type { SerializedError } from '@sluice/core';
import type { LogStream, TaskLogWriter } from './log-writer';
import { type MaskingStream, SecretMasker } from './secret-masker';

export class MaskedLog {
  readonly masker = new SecretMasker();
  readonly #streams = new Map<LogStream, MaskingStream>();

  constructor(readonly writer: TaskLogWriter) {}

  write(stream: LogStream, text: string): void {
    let masking = this.#streams.get(stream);
    if (!masking) {
      masking = this.masker.stream();
      this.#streams.set(stream, masking);
    }
    const out = masking.write(text);
    if (out) this.writer.write(stream, out);
  }

  /** Writes what each stream held back (the start of what might have been a secret); call before the log is taken. */
  end(): void {
    for (const [stream, masking] of this.#streams) {
      const rest = masking.end();
      if (rest) this.writer.write(stream, rest);
    }
  }

  /** The error with the try's secrets masked in its message and stack. */
  maskError(error: SerializedError): SerializedError {
    return {
      ...error,
      message: this.masker.mask(error.message),
      ...(error.stack === undefined ? {} : { stack: this.masker.mask(error.stack) }),
    };
  }
}
