import type { AsyncCommand } from 'fast-check';
import { Breaker, CircuitOpenError, type BreakerStats } from 'nestjs-circuit-breaker';
import { fakeClock, type FakeClock } from '../support/fake-clock.js';
import {
  ReferenceBreaker,
  type ModelMode,
  type ModelOptions,
  type ModelOutcome,
  type ModelSnapshot,
} from './reference-model.js';

/** An error the breakers under test are told to ignore. */
export class IgnoredError extends Error {}

/** Where every schedule's clock starts. */
const START = 1_000;

/** The reference's side of a run: fast-check wants an object it can hand to `check`. */
export interface ModelSide {
  readonly reference: ReferenceBreaker;
}

/** A call the real breaker is running: the test decides when and how it ends. */
interface RunningCall {
  resolve(value: string): void;
  reject(error: unknown): void;
  /** The call's outcome with rejections handled; settles once the breaker has seen it. */
  readonly done: Promise<unknown>;
}

/** The real side of a run: a breaker, its clock, and the calls it is running, oldest first. */
export interface RealSide {
  readonly breaker: Breaker;
  readonly clock: FakeClock;
  readonly running: RunningCall[];
}

/** One step of a schedule, run on both sides and then compared. */
export type BreakerCommand = AsyncCommand<ModelSide, RealSide>;

/**
 * Builds both sides of a run from one set of options. Rate rules are not part of the rules
 * the model follows, so `minimumCalls` is set beyond what any schedule can reach, over a time
 * window (a count window must hold its minimum): the window that `slowCallDuration` brings
 * along can then never open the breaker.
 */
export function setupFor(options: ModelOptions): () => { model: ModelSide; real: RealSide } {
  return () => {
    const clock = fakeClock(START);
    const breaker = new Breaker('model', {
      clock,
      failureThreshold: options.failureThreshold,
      successThreshold: options.successThreshold,
      halfOpenMaxCalls: options.halfOpenMaxCalls,
      timeout: options.timeout,
      ignoreErrors: [IgnoredError],
      ...(options.callTimeout === null ? {} : { callTimeout: options.callTimeout }),
      ...(options.slowCallDuration === null
        ? {}
        : {
            slowCallDuration: options.slowCallDuration,
            minimumCalls: 1_000_000,
            window: { ms: 60_000 },
          }),
    });
    return {
      model: { reference: new ReferenceBreaker(options, START) },
      real: { breaker, clock, running: [] },
    };
  };
}

const FIELDS = [
  'state',
  'mode',
  'consecutiveFailures',
  'trialSuccesses',
  'trialsInFlight',
  'calls',
  'successes',
  'failures',
  'ignored',
  'rejections',
  'timeouts',
  'slowCalls',
] as const satisfies ReadonlyArray<keyof ModelSnapshot & keyof BreakerStats>;

/**
 * Throws, naming the step and every field that differs, unless the breaker reports what the
 * model expects. A hand-written comparison: `expect().toEqual` after every step of every
 * schedule would dominate the run time.
 */
function compare(
  step: string,
  reference: ReferenceBreaker,
  breaker: Breaker,
  admitted?: { model: boolean; breaker: boolean },
): void {
  const expected = reference.snapshot();
  const actual = breaker.getStats();
  const lines: string[] = [];
  const differ = (field: string, model: unknown, real: unknown) =>
    lines.push(`  ${field}: model ${shown(model)}, breaker ${shown(real)}`);

  for (const field of FIELDS) {
    if (expected[field] !== actual[field]) differ(field, expected[field], actual[field]);
  }
  if (!waitAgrees(expected.timeUntilRetry, actual.timeUntilRetry)) {
    differ('timeUntilRetry', expected.timeUntilRetry, actual.timeUntilRetry);
  }
  if (admitted !== undefined && admitted.model !== admitted.breaker) {
    differ('admitted', admitted.model, admitted.breaker);
  }
  if (lines.length === 0) return;

  const where = `After ${step} at t=${reference.now}`;
  throw new Error(`${where}, the breaker disagrees with the model:\n${lines.join('\n')}`);
}

/** A busy half-open breaker may name any wait, as long as it is a real one. */
function waitAgrees(expected: number | 'busy', actual: number): boolean {
  if (expected === 'busy') return actual > 0 && Number.isFinite(actual);
  return expected === actual;
}

/** JSON, except for the infinite wait of a forced-open breaker, which JSON shows as null. */
function shown(value: unknown): string {
  const infinite = typeof value === 'number' && !Number.isFinite(value);
  return infinite ? String(value) : JSON.stringify(value);
}

/** The error a call fails with: one the breakers ignore, or one that counts. */
function errorFor(outcome: ModelOutcome): Error {
  return outcome === 'ignored' ? new IgnoredError('ignored') : new Error('failed');
}

const always = () => true;

/** Starts a call that runs until a later `settle`. */
class Start implements BreakerCommand {
  check = always;

  async run({ reference }: ModelSide, real: RealSide): Promise<void> {
    const expected = reference.start();
    let ran = false;
    let resolve!: (value: string) => void;
    let reject!: (error: unknown) => void;
    const outcome = real.breaker.execute(() => {
      ran = true;
      return new Promise<string>((res, rej) => {
        resolve = res;
        reject = rej;
      });
    });
    const done = outcome.catch((error: unknown) => error);
    if (ran) real.running.push({ resolve, reject, done });
    else await expectRefusal(done, this.toString());
    compare(this.toString(), reference, real.breaker, { model: expected, breaker: ran });
  }

  toString(): string {
    return 'start()';
  }
}

/** Ends one running call, picked by `index` modulo how many are running. */
class Settle implements BreakerCommand {
  constructor(
    readonly index: number,
    readonly outcome: ModelOutcome,
  ) {}

  check({ reference }: ModelSide): boolean {
    return reference.running.length > 0;
  }

  async run({ reference }: ModelSide, real: RealSide): Promise<void> {
    const at = this.index % real.running.length;
    reference.settle(at, this.outcome);
    const [call] = real.running.splice(at, 1);
    if (this.outcome === 'success') call!.resolve('ok');
    else call!.reject(errorFor(this.outcome));
    // `done` was chained after the breaker's own handlers, so the breaker has seen the outcome.
    await call!.done;
    compare(this.toString(), reference, real.breaker);
  }

  toString(): string {
    return `settle(${this.index}, '${this.outcome}')`;
  }
}

/** A call that returns or throws at once. */
class Call implements BreakerCommand {
  constructor(readonly outcome: ModelOutcome) {}

  check = always;

  async run({ reference }: ModelSide, real: RealSide): Promise<void> {
    const expected = reference.callAndEnd(this.outcome);
    let ran = false;
    const outcome = real.breaker.execute(() => {
      ran = true;
      if (this.outcome === 'success') return 'ok';
      throw errorFor(this.outcome);
    });
    const done = outcome.catch((error: unknown) => error);
    if (!ran) await expectRefusal(done, this.toString());
    compare(this.toString(), reference, real.breaker, { model: expected, breaker: ran });
  }

  toString(): string {
    return `call('${this.outcome}')`;
  }
}

/** Moves both clocks forward; the real one fires the call timers that fall due. */
class Advance implements BreakerCommand {
  constructor(readonly ms: number) {}

  check = always;

  async run({ reference }: ModelSide, real: RealSide): Promise<void> {
    reference.advance(this.ms);
    real.clock.advance(this.ms);
    compare(this.toString(), reference, real.breaker);
  }

  toString(): string {
    return `advance(${this.ms})`;
  }
}

class Reset implements BreakerCommand {
  check = always;

  async run({ reference }: ModelSide, real: RealSide): Promise<void> {
    reference.reset();
    real.breaker.reset();
    compare(this.toString(), reference, real.breaker);
  }

  toString(): string {
    return 'reset()';
  }
}

class SetMode implements BreakerCommand {
  constructor(readonly mode: ModelMode) {}

  check = always;

  async run({ reference }: ModelSide, real: RealSide): Promise<void> {
    reference.setMode(this.mode);
    real.breaker.setMode(this.mode);
    compare(this.toString(), reference, real.breaker);
  }

  toString(): string {
    return `setMode('${this.mode}')`;
  }
}

class AllowRequest implements BreakerCommand {
  check = always;

  async run({ reference }: ModelSide, real: RealSide): Promise<void> {
    const expected = reference.allowRequest();
    const allowed = real.breaker.allowRequest();
    compare(this.toString(), reference, real.breaker, { model: expected, breaker: allowed });
  }

  toString(): string {
    return 'allowRequest()';
  }
}

/** recordSuccess() or recordFailure(), by hand. */
class Record implements BreakerCommand {
  constructor(readonly outcome: 'success' | 'failure') {}

  check = always;

  async run({ reference }: ModelSide, real: RealSide): Promise<void> {
    recordOn(reference, real, this.outcome);
    compare(this.toString(), reference, real.breaker);
  }

  toString(): string {
    return this.outcome === 'success' ? 'recordSuccess()' : 'recordFailure()';
  }
}

/**
 * Moves the clocks and records by hand at once, with no look at the breaker in between: the
 * comparison after every other step reads the breaker, which could hide a rule that only
 * holds once someone has looked.
 */
class AdvanceThenRecord implements BreakerCommand {
  constructor(
    readonly ms: number,
    readonly outcome: 'success' | 'failure',
  ) {}

  check = always;

  async run({ reference }: ModelSide, real: RealSide): Promise<void> {
    reference.advance(this.ms);
    real.clock.advance(this.ms);
    recordOn(reference, real, this.outcome);
    compare(this.toString(), reference, real.breaker);
  }

  toString(): string {
    return `advanceThenRecord(${this.ms}, '${this.outcome}')`;
  }
}

/** Records one outcome by hand on both sides. */
function recordOn(
  reference: ReferenceBreaker,
  { breaker }: RealSide,
  outcome: 'success' | 'failure',
): void {
  reference.record(outcome);
  if (outcome === 'success') breaker.recordSuccess();
  else breaker.recordFailure(new Error('failed by hand'));
}

/** Checks that a call the breaker did not run was refused with a CircuitOpenError. */
async function expectRefusal(done: Promise<unknown>, step: string): Promise<void> {
  const error = await done;
  if (!(error instanceof CircuitOpenError)) {
    const ending = String(error);
    throw new Error(`After ${step}, a call that did not run ended with ${ending}, not a refusal`);
  }
}

/*
 * The factories below are named as the commands print themselves, so a schedule printed by a
 * failing property can be pasted back into `replay()` as it is.
 */

/** Starts a call that runs until a later {@link settle}. */
export const start = (): BreakerCommand => new Start();
/** Ends the running call at `index` (modulo how many run) with `outcome`. */
export const settle = (index: number, outcome: ModelOutcome): BreakerCommand =>
  new Settle(index, outcome);
/** A call that ends at once with `outcome`. */
export const call = (outcome: ModelOutcome): BreakerCommand => new Call(outcome);
/** Moves the clock `ms` forward. */
export const advance = (ms: number): BreakerCommand => new Advance(ms);
/** Calls reset(). */
export const reset = (): BreakerCommand => new Reset();
/** Calls setMode(mode). */
export const setMode = (mode: ModelMode): BreakerCommand => new SetMode(mode);
/** Calls allowRequest(). */
export const allowRequest = (): BreakerCommand => new AllowRequest();
/** Calls recordSuccess(). */
export const recordSuccess = (): BreakerCommand => new Record('success');
/** Calls recordFailure(). */
export const recordFailure = (): BreakerCommand => new Record('failure');
/** Moves the clock `ms` forward, then records by hand before anything reads the breaker. */
export const advanceThenRecord = (ms: number, outcome: 'success' | 'failure'): BreakerCommand =>
  new AdvanceThenRecord(ms, outcome);
