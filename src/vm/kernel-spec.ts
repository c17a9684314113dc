// What `--kernel` names: the machine's own kernel, an image on disk, or a kernel natlab fetches from
// Debian's packages.

import { basename, resolve } from 'node:path';
import { NatlabError } from '../errors.ts';

export type KernelSpec =
  | { kind: 'host'; label: 'host' }
  | { kind: 'debian'; label: string; metapackage: string; series: string }
  | { kind: 'path'; label: string; image: string; modulesDir?: string };

/** Named kernels: the metapackage to resolve with apt, and the release series it must give. */
export const DEBIAN_KERNELS: Record<string, { metapackage: string; series: string }> = {
  'debian-6.1': { metapackage: 'linux-image-amd64', series: '6.1.' },
  // Debian 12 also carries 6.12 (source linux-signed-6.12-amd64, from bookworm-security).
  'debian-6.12': { metapackage: 'linux-image-6.12-amd64', series: '6.12.' },
};

/** `host`, a named kernel, or `IMAGE[:MODULES_DIR]` (relative paths from `cwd`). */
export function parseKernelSpec(text: string, cwd: string): KernelSpec {
  if (text === 'host') return { kind: 'host', label: 'host' };
  const named = DEBIAN_KERNELS[text];
  if (named) return { kind: 'debian', label: text, ...named };
  if (!text.includes('/')) {
    throw new NatlabError(
      `--kernel must be host, ${Object.keys(DEBIAN_KERNELS).join(', ')}, or a path to a kernel image (IMAGE or IMAGE:MODULES_DIR), not "${text}"`,
      { code: 'BAD_INPUT', stage: 'cli' },
    );
  }
  const [image = '', modulesDir, ...rest] = text.split(':');
  if (rest.length > 0 || image === '' || modulesDir === '') {
    throw new NatlabError(`--kernel ${text}: expected IMAGE or IMAGE:MODULES_DIR`, {
      code: 'BAD_INPUT',
      stage: 'cli',
    });
  }
  return {
    kind: 'path',
    label: basename(image),
    image: resolve(cwd, image),
    modulesDir: modulesDir === undefined ? undefined : resolve(cwd, modulesDir),
  };
}

/** Each spec once, in the order given; the default is the machine's own kernel. */
export function parseKernelSpecs(texts: readonly string[] | undefined, cwd: string): KernelSpec[] {
  const specs = (texts?.length ? texts : ['host']).map((t) => parseKernelSpec(t, cwd));
  const labels = new Set<string>();
  for (const spec of specs) {
    if (labels.has(spec.label)) {
      throw new NatlabError(`--kernel ${spec.label} is named twice`, {
        code: 'BAD_INPUT',
        stage: 'cli',
      });
    }
    labels.add(spec.label);
  }
  return specs;
}
