/**
 * Hides the secret values a task was given — credentials of a connection
 * it named, secret variables it read, values of env keys that look like
 * secrets — from its log: each occurrence becomes `***`.
 *
 * Output arrives in chunks cut wherever the pipe happened to cut it, so a
 * secret can straddle two chunks. A `MaskingStream` holds back the end of a
 * chunk that could be the start of a secret until the next chunk shows
 * whether it is (or the stream ends), and never emits a secret split in two.
 *
 * Values shorter than MIN_MASKED_LENGTH are not masked: replacing every
 * "a" or "1" would destroy the log while hiding nothing a guess would not
 * find. Airflow draws the same line (its `min_length_masked_secret`, 5).
 */

/** What a secret is replaced with. */
export const MASK = '***';

/** Shortest value that is masked. */
export const MIN_MASKED_LENGTH = 5;

/** Env keys whose values are masked whatever they hold: *SECRET*, *PASSWORD*, *TOKEN*, *KEY* in any case. */
const SENSITIVE_NAME = /SECRET|PASSWORD|TOKEN|KEY/i;

/** Whether an environment variable's name says its value is a secret. */
export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The secrets of one try. Add a value before it can reach the log; masking applies from then on. */
export class SecretMasker {
  readonly #secrets = new Set<string>();
  #pattern: RegExp | null = null;

  /**
   * Masks `value` from now on (with the form JSON gives it, when that
   * differs: a secret with a quote or newline logged inside an object).
   * Values shorter than MIN_MASKED_LENGTH are ignored.
   */
  add(value: string): void {
    for (const form of [value, JSON.stringify(value).slice(1, -1)]) {
      if (form.length < MIN_MASKED_LENGTH || this.#secrets.has(form)) continue;
      this.#secrets.add(form);
      this.#pattern = null;
    }
  }

  get size(): number {
    return this.#secrets.size;
  }

  /** `text` with every secret replaced by `***`. */
  mask(text: string): string {
    const pattern = this.#regex();
    return pattern ? text.replace(pattern, MASK) : text;
  }

  /** A stream of output (one of a try's stdout, stderr…) masked chunk by chunk. */
  stream(): MaskingStream {
    return new MaskingStream(this);
  }

  /**
   * How many characters at the end of `text` could begin a secret that the
   * next chunk completes: the longest suffix that is a proper prefix of one.
   */
  heldBack(text: string): number {
    let held = 0;
    for (const secret of this.#secrets) {
      // The earliest start of a suffix that is a proper prefix of `secret`, within reach of its length.
      for (let j = Math.max(0, text.length - secret.length + 1); j < text.length - held; j++) {
        if (text.charCodeAt(j) === secret.charCodeAt(0) && secret.startsWith(text.slice(j))) {
          held = text.length - j;
          break;
        }
      }
    }
    return held;
  }

  /**
   * Where `text` may be cut so that the part before it can be masked and
   * written now: before any secret that the next chunk may complete, and
   * never inside a secret found in `text` (a shorter secret can be the
   * middle of a longer one still arriving).
   */
  safeCut(text: string): number {
    let cut = text.length - this.heldBack(text);
    const pattern = this.#regex();
    if (!pattern) return cut;
    for (const m of text.matchAll(pattern)) {
      if (m.index >= cut) break;
      if (m.index + m[0].length > cut) cut = m.index;
    }
    return cut;
  }

  #regex(): RegExp | null {
    if (this.#secrets.size === 0) return null;
    // Longest first: of two secrets where one contains the other, the whole longer one is hidden.
    this.#pattern ??= new RegExp(
      [...this.#secrets]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    return this.#pattern;
  }
}

/** One stream of a try's output, masked across chunk boundaries. */
export class MaskingStream {
  #pending = '';

  constructor(private readonly masker: SecretMasker) {}

  /** What of `chunk` (and what was held before it) can be written now, masked. */
  write(chunk: string): string {
    const text = this.#pending + chunk;
    const cut = this.masker.safeCut(text);
    this.#pending = text.slice(cut);
    return this.masker.mask(text.slice(0, cut));
  }

  /** Whatever was held back, masked: the stream has ended. */
  end(): string {
    const rest = this.masker.mask(this.#pending);
    this.#pending = '';
    return rest;
  }
}
