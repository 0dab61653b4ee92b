/** One expectation of the demo's story and whether it held. */
export interface DemoCheck {
  /** The step it belongs to. */
  readonly step: string;
  /** What was expected, with what was seen. */
  readonly label: string;
  readonly ok: boolean;
}

/**
 * Prints the demo's story as it happens — numbered steps, ✔/✘ checks and notes, stamped with
 * the seconds since the start — and keeps the checks for the summary.
 */
export class Timeline {
  /** Every check so far, in order. */
  readonly checks: DemoCheck[] = [];
  private readonly startedAt = performance.now();
  private currentStep = '';
  private stepCount = 0;

  constructor(private readonly write: (line: string) => void) {}

  /** Milliseconds since the timeline started. */
  get elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /** The checks that did not hold. */
  get failures(): DemoCheck[] {
    return this.checks.filter((check) => !check.ok);
  }

  /** Starts the next step, numbering it. */
  step(title: string): void {
    this.currentStep = `${++this.stepCount}. ${title}`;
    this.write('');
    this.write(`${stamp(this.elapsedMs)}  ${this.currentStep}`);
  }

  /** Records and prints whether an expectation held; returns `ok`. */
  check(ok: boolean, label: string): boolean {
    this.checks.push({ step: this.currentStep, label, ok });
    this.write(`         ${ok ? '✔' : '✘'} ${label}`);
    return ok;
  }

  /** Prints a line of narration. */
  note(text: string): void {
    this.write(`           ${text}`);
  }

  /** Prints a line without indentation. */
  line(text: string): void {
    this.write(text);
  }
}

function stamp(ms: number): string {
  return `[${(ms / 1000).toFixed(2).padStart(5)}s]`;
}
