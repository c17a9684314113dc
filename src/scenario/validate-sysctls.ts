// The sysctl rule: only the namespace's own net.* settings, and names and values that cannot smuggle
// a command or a path. Checked when a scenario is validated, and again where sysctl is run.

const COMPONENT = /^[A-Za-z0-9_-]+$/;
// Tab, newline and every other control character: a value holding one could end a command line.
const CONTROL = /[\p{Cc}]/u;
/** Per-device tables, whose device part may hold dots (eth0.5): net.ipv6.conf.eth0.5.accept_dad. */
const DEVICE_TABLE = /^net\.(ipv4|ipv6|mpls)\.(conf|neigh)\./;
const MAX_KEY = 200;
const MAX_VALUE = 256;

const SYSCTL_RULE =
  'sysctl keys are net.* settings (letters, digits, "_" and "-" between dots), set inside the node\'s namespace; values are 1-256 characters without control characters';

/** Why a sysctl setting is refused, or undefined when it is fine. */
export function sysctlProblem(key: string, value: string): string | undefined {
  if (key.length > MAX_KEY || !key.startsWith('net.') || !key.split('.').every(isComponent)) {
    return `sysctl "${printable(key)}" is refused: ${SYSCTL_RULE}`;
  }
  if (value.length === 0 || value.length > MAX_VALUE || CONTROL.test(value)) {
    return `sysctl ${key} value "${printable(value)}" is refused: ${SYSCTL_RULE}`;
  }
  return undefined;
}

function isComponent(part: string): boolean {
  return COMPONENT.test(part);
}

/**
 * The key as a /proc/sys path relative to /proc/sys, with "/" separators, so that sysctl leaves the
 * dots in a device name alone: net.ipv6.conf.eth0.5.accept_dad -> net/ipv6/conf/eth0.5/accept_dad.
 */
export function sysctlPath(key: string): string {
  const device = DEVICE_TABLE.exec(key);
  const parts = key.split('.');
  if (!device || parts.length <= 5) return parts.join('/');
  return [...parts.slice(0, 3), parts.slice(3, -1).join('.'), parts.at(-1)].join('/');
}

/** Control characters shown escaped and long text cut, so a refused value cannot flood the terminal. */
export function printable(text: string, max = 80): string {
  const shown = JSON.stringify(text.slice(0, max)).slice(1, -1);
  return text.length > max ? `${shown}...` : shown;
}
