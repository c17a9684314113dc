// Which kernel modules to load, and in what order: modules.dep as depmod writes it.

export interface ModuleEntry {
  /** Relative to the modules directory, as modules.dep gives it. */
  path: string;
  deps: string[];
}

/** Module name as the kernel knows it: file name without .ko(.xz|.gz|.zst), dashes as underscores. */
export function moduleName(path: string): string {
  const file = path.slice(path.lastIndexOf('/') + 1);
  return file.replace(/\.ko(\.(xz|gz|zst))?$/, '').replaceAll('-', '_');
}

export function parseModulesDep(text: string): Map<string, ModuleEntry> {
  const modules = new Map<string, ModuleEntry>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const path = line.slice(0, colon).trim();
    const deps = line
      .slice(colon + 1)
      .split(/\s+/)
      .filter(Boolean)
      .map(moduleName);
    modules.set(moduleName(path), { path, deps });
  }
  return modules;
}

export interface LoadPlan {
  /** Module files to insmod, every dependency before its users. */
  paths: string[];
  /** Wanted modules not in modules.dep: built into the kernel (or absent, which the caller decides). */
  notModules: string[];
}

/** Dependencies first, each module once; depmod's lists are already transitive, recursion is cheap. */
export function loadOrder(modules: Map<string, ModuleEntry>, wanted: readonly string[]): LoadPlan {
  const paths: string[] = [];
  const notModules: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string, depth: number) => {
    if (seen.has(name) || depth > 64) return;
    seen.add(name);
    const entry = modules.get(name);
    if (!entry) {
      notModules.push(name);
      return;
    }
    for (const dep of entry.deps) visit(dep, depth + 1);
    paths.push(entry.path);
  };
  for (const name of wanted) visit(moduleName(name), 0);
  return { paths, notModules };
}
