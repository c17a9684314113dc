// A --kernel spec made bootable: the image, its module tree (with modules.dep) and its release.
// Debian kernels are fetched with apt-get download and unpacked with dpkg-deb -x into the cache;
// nothing is installed, and /boot is never touched.

import { access, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { NatlabError } from '../errors.ts';
import { runCommand } from '../system/run-command.ts';
import { bzImageRelease } from './bzimage.ts';
import { cacheDir } from './kernel-cache.ts';
import type { KernelSpec } from './kernel-spec.ts';

export interface GuestKernel {
  label: string;
  image: string;
  /** lib/modules/<release>, with modules.dep. */
  modulesDir: string;
  release: string;
  /** Set when this run downloaded it. */
  fetched?: { package: string; version: string; bytes: number };
}

export async function prepareKernel(
  spec: Exclude<KernelSpec, { kind: 'host' }>,
  { signal, say }: { signal?: AbortSignal; say: (line: string) => void },
): Promise<GuestKernel> {
  return spec.kind === 'debian' ? debianKernel(spec, signal, say) : kernelFromPath(spec);
}

async function kernelFromPath(spec: Extract<KernelSpec, { kind: 'path' }>): Promise<GuestKernel> {
  const image = await readFile(spec.image).catch((error: NodeJS.ErrnoException) => {
    throw new NatlabError(`--kernel ${spec.image}: cannot read the image (${error.code})`, {
      code: 'BAD_INPUT',
      stage: 'vm',
    });
  });
  const release = bzImageRelease(image);
  if (!release) {
    throw new NatlabError(
      `--kernel ${spec.image}: not an x86 bzImage (no "HdrS" setup header); give a vmlinuz/bzImage`,
      { code: 'BAD_INPUT', stage: 'vm' },
    );
  }
  const candidates = spec.modulesDir
    ? [spec.modulesDir]
    : [join(dirname(spec.image), '..', 'lib', 'modules', release), join('/lib/modules', release)];
  for (const dir of candidates) {
    if (await exists(join(dir, 'modules.dep'))) {
      return { label: spec.label, image: spec.image, modulesDir: dir, release };
    }
  }
  throw new NatlabError(
    `--kernel ${spec.image}: no module tree with modules.dep for ${release} (looked in ${candidates.join(', ')}); give IMAGE:MODULES_DIR, and run depmod -b on it if modules.dep is missing`,
    { code: 'BAD_INPUT', stage: 'vm' },
  );
}

async function debianKernel(
  spec: Extract<KernelSpec, { kind: 'debian' }>,
  signal: AbortSignal | undefined,
  say: (line: string) => void,
  listsUpdated = false,
): Promise<GuestKernel> {
  let resolved: { name: string; version: string };
  try {
    resolved = await resolvePackage(spec, signal);
  } catch (error) {
    // Offline, or without Debian's sources: a kernel of the series fetched before still serves.
    const fallback = signal?.aborted ? undefined : await newestCached(spec);
    if (!fallback) throw error;
    say(`${(error as Error).message.split('\n')[0]}; using the cached ${fallback.release}`);
    return fallback;
  }
  const { name, version } = resolved;
  const dir = join(cacheDir(), 'kernels', `${name}_${version}`);
  const cached = await cachedKernel(spec.label, dir);
  if (cached) return cached;

  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    say(`fetching ${name} ${version} from Debian's packages (apt-get download)`);
    // The _apt user could not write into root's cache; the download is still checked against apt's keys.
    const download = await runCommand(
      ['apt-get', 'download', '-q', '-o', 'APT::Sandbox::User=root', `${name}=${version}`],
      {
        action: `download ${name}`,
        stage: 'vm',
        timeoutMs: 600_000,
        signal,
        cwd: partial,
        allowFailure: !listsUpdated,
      },
    );
    if (download.exitCode !== 0) {
      // Lists older than the mirror name a version it no longer serves: refresh them, once.
      await rm(partial, { recursive: true, force: true });
      await updateLists(signal);
      return debianKernel(spec, signal, say, true);
    }
    const deb = (await readdir(partial)).find((f) => f.endsWith('.deb'));
    if (!deb)
      throw new NatlabError(`apt-get download left no .deb for ${name}`, {
        code: 'COMMAND_FAILED',
        stage: 'vm',
      });
    const bytes = (await stat(join(partial, deb))).size;
    say(`unpacking ${deb} (${Math.round(bytes / 1e6)} MB) with dpkg-deb -x`);
    await runCommand(['dpkg-deb', '-x', join(partial, deb), join(partial, 'root')], {
      action: `unpack ${deb}`,
      stage: 'vm',
      timeoutMs: 300_000,
      signal,
    });
    await rm(join(partial, deb));
    const [release] = await readdir(join(partial, 'root', 'lib', 'modules'));
    if (!release?.startsWith(spec.series)) {
      throw new NatlabError(`${name} holds release ${release}, not ${spec.series}x`, {
        code: 'COMMAND_FAILED',
        stage: 'vm',
      });
    }
    // The package leaves modules.dep to its postinst, which is not run.
    await runCommand(['depmod', '-b', join(partial, 'root'), release], {
      action: `index the modules of ${release} (depmod -b)`,
      stage: 'vm',
      timeoutMs: 120_000,
      signal,
    });
    await rename(partial, dir).catch(async (error: NodeJS.ErrnoException) => {
      // Another run fetched the same kernel meanwhile: keep theirs.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      await rm(partial, { recursive: true, force: true });
    });
    const kernel = await cachedKernel(spec.label, dir);
    if (!kernel)
      throw new NatlabError(`unpacked ${name} has no vmlinuz`, {
        code: 'COMMAND_FAILED',
        stage: 'vm',
      });
    return { ...kernel, fetched: { package: name, version, bytes } };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

/** The versioned image package behind the metapackage (linux-image-amd64 -> linux-image-6.1.0-N-amd64). */
async function resolvePackage(
  spec: Extract<KernelSpec, { kind: 'debian' }>,
  signal: AbortSignal | undefined,
): Promise<{ name: string; version: string }> {
  const show = (pkg: string) =>
    runCommand(['apt-cache', 'show', '--no-all-versions', pkg], {
      action: `look up ${pkg} in apt's package lists`,
      stage: 'vm',
      allowFailure: true,
      signal,
    });
  let meta = await show(spec.metapackage);
  if (meta.exitCode !== 0 || !meta.stdout.trim()) {
    // A fresh machine may never have fetched its package lists.
    await updateLists(signal);
    meta = await show(spec.metapackage);
  }
  const name = /^Depends:.*?\b(linux-image-[\w.+-]+)/m.exec(meta.stdout)?.[1];
  if (!name) {
    throw new NatlabError(
      `cannot find ${spec.metapackage} in apt's package lists (needs Debian's sources)`,
      {
        code: 'MISSING_TOOL',
        stage: 'vm',
        stderr: meta.stderr,
      },
    );
  }
  const image = await show(name);
  const version = /^Version:\s*(\S+)/m.exec(image.stdout)?.[1];
  if (!version || !name.startsWith(`linux-image-${spec.series}`)) {
    throw new NatlabError(
      `${spec.label} needs a ${spec.series}x kernel, but apt's ${spec.metapackage} is ${name} (Debian 12 "bookworm" sources give 6.1 and 6.12)`,
      { code: 'MISSING_TOOL', stage: 'vm' },
    );
  }
  return { name, version };
}

async function updateLists(signal: AbortSignal | undefined): Promise<void> {
  await runCommand(['apt-get', 'update', '-qq'], {
    action: 'update apt package lists',
    stage: 'vm',
    timeoutMs: 600_000,
    signal,
  });
}

/** The newest complete kernel of the spec's series in the cache, by directory name. */
async function newestCached(
  spec: Extract<KernelSpec, { kind: 'debian' }>,
): Promise<GuestKernel | undefined> {
  const root = join(cacheDir(), 'kernels');
  const dirs = (await readdir(root).catch(() => [] as string[]))
    .filter((d) => d.startsWith(`linux-image-${spec.series}`) && !d.includes('.partial-'))
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  for (const dir of dirs) {
    const kernel = await cachedKernel(spec.label, join(root, dir));
    if (kernel) return kernel;
  }
  return undefined;
}

async function cachedKernel(label: string, dir: string): Promise<GuestKernel | undefined> {
  const release = (await readdir(join(dir, 'root', 'lib', 'modules')).catch(() => []))[0];
  if (!release) return undefined;
  const image = join(dir, 'root', 'boot', `vmlinuz-${release}`);
  const modulesDir = join(dir, 'root', 'lib', 'modules', release);
  if (!(await exists(image)) || !(await exists(join(modulesDir, 'modules.dep')))) return undefined;
  return { label, image, modulesDir, release };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
