import {
  FAILED_FLAG,
  Outcome,
  SLOW_FLAG,
  isOutcome,
  outcomeOf,
} from '../../../lib/core/windows/index.js';

describe('outcomeOf', () => {
  it.each([
    [false, false, Outcome.Success],
    [true, false, Outcome.Failure],
    [false, true, Outcome.Slow],
    [true, true, Outcome.SlowFailure],
  ])('packs failed=%s, slow=%s as %s', (failed, slow, expected) => {
    expect(outcomeOf(failed, slow)).toBe(expected);
  });

  it('sets the failed bit exactly when the call failed', () => {
    expect(outcomeOf(true, true) & FAILED_FLAG).toBe(FAILED_FLAG);
    expect(outcomeOf(false, true) & FAILED_FLAG).toBe(0);
  });

  it('sets the slow bit exactly when the call was slow', () => {
    expect(outcomeOf(true, true) & SLOW_FLAG).toBe(SLOW_FLAG);
    expect(outcomeOf(true, false) & SLOW_FLAG).toBe(0);
  });
});

describe('Outcome', () => {
  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(Outcome)).toBe(true);
  });
});

describe('isOutcome', () => {
  it.each([0, 1, 2, 3])('accepts %s', (value) => {
    expect(isOutcome(value)).toBe(true);
  });

  it.each([
    ['a value with bits beyond the two flags', 4],
    ['a negative value', -1],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['a numeric string', '1'],
    ['a boolean', true],
    ['null', null],
    ['undefined', undefined],
  ])('rejects %s', (_label, value) => {
    expect(isOutcome(value)).toBe(false);
  });
});
