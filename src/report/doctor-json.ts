// `natlab doctor --json`: the kernel's release and each capability's answer.

import type { CapabilityResult } from '../preflight/probe-capabilities.ts';

export function doctorJson(kernel: string, capabilities: readonly CapabilityResult[]) {
  return { kernel, capabilities };
}
