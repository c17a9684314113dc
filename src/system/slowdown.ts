// One factor for natlab's bounds on its own commands and programs: 1 on a real kernel, more in a
// guest under TCG, where every program starts and runs many times slower. Set once, by the guest.

let factor = 1;

export function setSlowdown(value: number): void {
  factor = value;
}

/** A bound in milliseconds, as long as it must be on this machine. */
export function slowed(ms: number): number {
  return ms * factor;
}
