import fc from 'fast-check';
import {
  advance,
  allowRequest,
  call,
  advanceThenRecord,
  recordFailure,
  recordSuccess,
  reset,
  setMode,
  settle,
  setupFor,
  start,
  type BreakerCommand,
} from './commands.js';
import type { ModelMode, ModelOptions, ModelOutcome } from './reference-model.js';

/** Breaker options and the commands to run under them. */
export type Schedule = [options: ModelOptions, commands: Iterable<BreakerCommand>];

/** At most this many commands per schedule: enough to open, trial and close a few times. */
const MAX_COMMANDS = 40;

/**
 * Outcomes with failures `failureWeight` times as likely as ignored errors: drawn per schedule,
 * so that some schedules keep the breaker open and others let trials close it.
 */
function outcomeArbitrary(failureWeight: number): fc.Arbitrary<ModelOutcome> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant<ModelOutcome>('success') },
    { weight: failureWeight, arbitrary: fc.constant<ModelOutcome>('failure') },
    { weight: 1, arbitrary: fc.constant<ModelOutcome>('ignored') },
  );
}

/** Modes drawn so that a schedule still spends much of its time in `normal`. */
const modes = fc.oneof(
  { weight: 3, arbitrary: fc.constant<ModelMode>('normal') },
  { weight: 1, arbitrary: fc.constantFrom<ModelMode>('forced-open', 'disabled', 'metrics-only') },
);

/**
 * Small thresholds and short timeouts, so forty commands go through every state. With `timed`,
 * calls also have a call timeout and a slow-call duration, both within two open timeouts.
 */
function optionsArbitrary(timed: boolean): fc.Arbitrary<ModelOptions> {
  return fc.integer({ min: 1, max: 60 }).chain((timeout) => {
    const withinTwoTimeouts = fc.integer({ min: 1, max: 2 * timeout });
    return fc.record(
      {
        failureThreshold: fc.integer({ min: 1, max: 4 }),
        successThreshold: fc.integer({ min: 1, max: 3 }),
        halfOpenMaxCalls: fc.integer({ min: 1, max: 3 }),
        timeout: fc.constant(timeout),
        callTimeout: timed ? withinTwoTimeouts : fc.constant(null),
        slowCallDuration: timed ? withinTwoTimeouts : fc.constant(null),
      },
      // Plain objects print as plain literals, ready to paste into replay().
      { noNullPrototype: true },
    );
  });
}

/**
 * One command, weighted towards starting and settling calls so that many run at once and
 * end in any order, across state changes.
 */
function commandArbitrary(
  options: ModelOptions,
  failureWeight: number,
): fc.Arbitrary<BreakerCommand> {
  const outcomes = outcomeArbitrary(failureWeight);
  const settling = fc.tuple(fc.nat({ max: 63 }), outcomes);
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant(null).map(start) },
    { weight: 5, arbitrary: settling.map(([index, outcome]) => settle(index, outcome)) },
    { weight: 3, arbitrary: outcomes.map(call) },
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 2 * options.timeout }).map(advance) },
    { weight: 1, arbitrary: fc.constant(null).map(reset) },
    { weight: 1, arbitrary: modes.map(setMode) },
    { weight: 2, arbitrary: fc.constant(null).map(allowRequest) },
    { weight: 1, arbitrary: fc.constant(null).map(recordSuccess) },
    { weight: 1, arbitrary: fc.constant(null).map(recordFailure) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.integer({ min: 0, max: 2 * options.timeout }),
          fc.constantFrom<'success' | 'failure'>('success', 'failure'),
        )
        .map(([ms, outcome]) => advanceThenRecord(ms, outcome)),
    },
  );
}

/**
 * Random schedules. With `timed`, calls also time out and run slow. FC_REPLAY_PATH, from a
 * printed counterexample, takes fast-check straight to the shrunk schedule on replay.
 */
export function scheduleArbitrary(timed: boolean): fc.Arbitrary<Schedule> {
  const replayPath = process.env.FC_REPLAY_PATH;
  const weights = fc.integer({ min: 1, max: 5 });
  return fc.tuple(optionsArbitrary(timed), weights).chain(([options, failureWeight]) =>
    fc.tuple(
      fc.constant(options),
      fc.commands([commandArbitrary(options, failureWeight)], {
        maxCommands: MAX_COMMANDS,
        // Lengths spread evenly up to the maximum, not fast-check's default of short runs.
        size: 'max',
        ...(replayPath === undefined ? {} : { replayPath }),
      }),
    ),
  );
}

/** Runs `commands` on a fresh breaker and a fresh model, comparing them after every command. */
export function replay(options: ModelOptions, commands: Iterable<BreakerCommand>): Promise<void> {
  return fc.asyncModelRun(setupFor(options), commands);
}

/**
 * fast-check's run parameters: `defaultRuns` random schedules (FC_RUNS overrides it, for a
 * longer search), or the one counterexample FC_SEED and FC_PATH name.
 */
export function runParameters(defaultRuns: number): fc.Parameters<[Schedule]> {
  const runs = process.env.FC_RUNS;
  const numRuns = runs === undefined ? defaultRuns : Number(runs);
  const seed = process.env.FC_SEED;
  if (seed === undefined) return { numRuns };

  // Replaying a known counterexample: report it as it is rather than shrink it again.
  const path = process.env.FC_PATH;
  const replayed = { numRuns, seed: Number(seed), endOnFailure: true };
  return path === undefined ? replayed : { ...replayed, path };
}
