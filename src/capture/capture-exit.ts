// What a tcpdump's exit says about its pcap: stopped cleanly with every packet written, or not to be trusted.

import type { ProcessExit } from '../system/start-process.ts';

/** Either the packets tcpdump says it wrote (its "packets captured" line), or why its pcap cannot be trusted. */
export type CaptureExitJudgement = { captured: number } | { problem: string };

/**
 * `early`: it exited before natlab asked it to stop (killed, crashed, its interface gone).
 * A tcpdump that natlab stopped prints its counts and ends on SIGTERM with code 0; natlab goes on
 * once it has printed them (`saidDone`), so its exit code is not waited for.
 */
export function judgeCaptureExit(exit: ProcessExit, early: boolean): CaptureExitJudgement {
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.exitCode ?? '?'}`;
  const said = lastLine(exit.stderr);
  if (early) {
    return {
      problem: `tcpdump ended while the run still needed it (${how})${said ? `: ${said}` : ''}`,
    };
  }
  if (!exit.saidDone && (exit.signal || exit.exitCode !== 0)) {
    return { problem: `tcpdump did not stop cleanly (${how})${said ? `: ${said}` : ''}` };
  }
  const captured = count(exit.stderr, 'captured');
  const dropped = count(exit.stderr, 'dropped by kernel');
  if (captured === undefined || dropped === undefined) {
    return { problem: 'tcpdump stopped without printing its packet counts' };
  }
  if (dropped > 0) {
    return {
      problem: `the kernel dropped ${dropped} packet(s) before tcpdump read them: the pcap misses them`,
    };
  }
  return { captured };
}

/** "1 packet captured", "2 packets captured": tcpdump writes the singular for one. */
function count(stderr: string, label: string): number | undefined {
  const match = new RegExp(`^(\\d+) packets? ${label}$`, 'm').exec(stderr);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Its last word, if it said more than that it was listening. */
function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() && !/listening on/.test(l));
  return lines.at(-1)?.trim() ?? '';
}
