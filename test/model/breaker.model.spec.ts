/**
 * Model-based tests: random schedules of calls, clock moves, resets, mode changes and records
 * by hand run against the real Breaker and against the reference model in reference-model.ts,
 * compared after every command (see `compare` in commands.ts for what is compared).
 *
 * When a property fails, fast-check prints the shrunk schedule, then the cause; for a model
 * broken on purpose:
 *
 *   { seed: 1764179510, path: "31:1:1:5:2:7:9:7:7:8:9:9", endOnFailure: true }
 *   Counterexample: [[{"failureThreshold":1,"successThreshold":1,"halfOpenMaxCalls":1,
 *     "timeout":2,"callTimeout":null,"slowCallDuration":null},start(),settle(0, 'failure'),
 *     advance(2),start(),settle(0, 'ignored') /*replayPath="DAQI/K:1"*\/]]
 *   Cause: After settle(0, 'ignored') at t=1002, the breaker disagrees with the model:
 *     trialsInFlight: model 1, breaker 0
 *
 * To replay it, either
 * - run that one property again with the printed values (FC_REPLAY_PATH is optional; it takes
 *   fast-check straight to the shrunk schedule):
 *     FC_SEED=1764179510 FC_PATH=31:1:1:5:2:7:9:7:7:8:9:9 FC_REPLAY_PATH='DAQI/K:1' \
 *     NODE_OPTIONS=--experimental-vm-modules npx jest test/model -t '<the it() title>'
 * - or paste the options and the commands into a test, the commands in brackets:
 *     await replay({"failureThreshold":1,...}, [start(),settle(0, 'failure'),advance(2),...]);
 *   Every command prints itself as a call to the factory of that name in commands.ts.
 *
 * FC_RUNS=<n> runs n schedules per property instead of the defaults, for a longer search.
 */
import fc from 'fast-check';
import { advanceThenRecord, recordFailure } from './commands.js';
import type { ModelOptions } from './reference-model.js';
import { replay, runParameters, scheduleArbitrary, type Schedule } from './schedules.js';

/** A property's time budget: ample for its default runs, unbounded in effect for FC_RUNS. */
const PROPERTY_TIMEOUT_MS = process.env.FC_RUNS === undefined ? 60_000 : 24 * 3_600_000;

const ONE_FAILURE_OPENS: ModelOptions = {
  failureThreshold: 1,
  successThreshold: 1,
  halfOpenMaxCalls: 1,
  timeout: 10,
  callTimeout: null,
  slowCallDuration: null,
};

const agreesWithModel = ([options, commands]: Schedule) => replay(options, commands);

describe('Breaker', () => {
  describe('against the reference model of its rules', () => {
    it(
      'agrees on state, counters, wait and admissions after every command of random schedules',
      async () => {
        await fc.assert(
          fc.asyncProperty(scheduleArbitrary(false), agreesWithModel),
          runParameters(20_000),
        );
      },
      PROPERTY_TIMEOUT_MS,
    );

    it(
      'agrees when calls also run slow and time out',
      async () => {
        await fc.assert(
          fc.asyncProperty(scheduleArbitrary(true), agreesWithModel),
          runParameters(10_000),
        );
      },
      PROPERTY_TIMEOUT_MS,
    );
  });

  describe('when the open timeout has passed and nothing has read the breaker yet', () => {
    it('re-opens on a failure recorded by hand, as a failed trial', async () => {
      await replay(ONE_FAILURE_OPENS, [recordFailure(), advanceThenRecord(10, 'failure')]);
    });

    it('closes on a success recorded by hand, as a successful trial', async () => {
      await replay(ONE_FAILURE_OPENS, [recordFailure(), advanceThenRecord(10, 'success')]);
    });
  });
});
