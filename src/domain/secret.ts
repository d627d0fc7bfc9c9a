/**
 * A secret value (Manager password, cloud SK, key passphrase, krbtgt password). It redacts itself
 * wherever it could leak: string conversion, JSON (journal, plans, reports) and util.inspect (logs).
 * Only `reveal()` gives the value, and only adapters call it, at the moment of use.
 */
const REDACTED = '‹redacted›';

export class Secret {
  readonly #value: string;
  /** Where the value came from, e.g. `env:MRS_ALPHA_PASSWORD` — safe to show. */
  readonly source: string;

  constructor(value: string, source: string) {
    this.#value = value;
    this.source = source;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${this.source})`;
  }
}
