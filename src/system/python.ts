// Which python3 natlab runs its own scripts with: Debian's, never one found on PATH.

/**
 * Debian's python3: a pyenv shim on PATH would add its own start-up to every run, and a pyenv or
 * venv python would lack Mininet's modules.
 */
export const PYTHON = '/usr/bin/python3';
