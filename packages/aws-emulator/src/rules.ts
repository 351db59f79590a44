/**
 * Scripted outcomes: "steps named like X fail with Y", "the next 2 runs of job Z
 * time out". A rule is consulted when a step, job run or crawl is submitted and
 * its outcome is fixed then, so a rule added later never rewrites work already
 * accepted. `times` limits how many submissions a rule applies to (a rule with
 * `times: 1` fails the first try and lets the retry succeed).
 */

/** A regular expression, or its source text (as the HTTP control API sends it). */
export type Pattern = string | RegExp;

export interface RuleMatch {
  /** Matched against the step name, Glue job name or crawler name. */
  name?: Pattern | undefined;
  /** Matched against the arguments as one string (see README for each service's form). */
  args?: Pattern | undefined;
  /** Apply to this many matching submissions, then retire. Unlimited when absent. */
  times?: number | undefined;
}

export interface ListedMatch {
  name: string | undefined;
  args: string | undefined;
  remaining: number | undefined;
}

interface StoredRule<T> {
  name: RegExp | undefined;
  args: RegExp | undefined;
  remaining: number | undefined;
  rule: T;
}

function compile(pattern: Pattern | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  // Stateful flags would make `test` depend on the previous call.
  return typeof pattern === 'string'
    ? new RegExp(pattern)
    : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
}

export class RuleBook<T extends RuleMatch> {
  private rules: StoredRule<T>[] = [];

  add(rule: T): void {
    if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1)) {
      throw new RangeError(`times must be a positive integer, got ${rule.times}`);
    }
    this.rules.push({
      name: compile(rule.name),
      args: compile(rule.args),
      remaining: rule.times,
      rule,
    });
  }

  /** The first live rule matching this submission, consuming one of its uses. */
  take(name: string, args: string): T | undefined {
    const index = this.rules.findIndex(
      (stored) =>
        (stored.name === undefined || stored.name.test(name)) && (stored.args === undefined || stored.args.test(args)),
    );
    const stored = this.rules[index];
    if (stored === undefined) return undefined;
    if (stored.remaining !== undefined) {
      stored.remaining -= 1;
      if (stored.remaining === 0) this.rules.splice(index, 1);
    }
    return stored.rule;
  }

  /** Plain data for listing: patterns as their source text. */
  list(): Array<Omit<T, 'name' | 'args'> & ListedMatch> {
    return this.rules.map((stored) => ({
      ...stored.rule,
      name: stored.name?.source,
      args: stored.args?.source,
      remaining: stored.remaining,
    }));
  }

  clear(): void {
    this.rules = [];
  }
}
