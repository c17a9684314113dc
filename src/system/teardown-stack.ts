// Undo steps pushed as each resource is made; unwound last-first, and every step runs even if one fails.

export interface TeardownFailure {
  label: string;
  error: unknown;
}

export class TeardownStack {
  readonly #steps: { label: string; undo: () => Promise<void> }[] = [];

  push(label: string, undo: () => Promise<void>): void {
    this.#steps.push({ label, undo });
  }

  async unwind(): Promise<TeardownFailure[]> {
    const failures: TeardownFailure[] = [];
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        await step.undo();
      } catch (error) {
        failures.push({ label: step.label, error });
      }
    }
    return failures;
  }
}
