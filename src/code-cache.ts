// Loads a CommonJS bundle through V8's code cache. Node 20 compiles a script's functions again on
// every run and has no compile cache of its own; the build runs the CLI once and saves what V8
// compiled next to the bundle, so a run deserialises that instead of compiling. V8 checks the cache
// against its version, its flags and the source, and compiles as usual when it does not fit.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

export type CodeCacheState = 'accepted' | 'rejected' | 'absent';

export interface LoadedBundle<T> {
  exports: T;
  /** The compiled bundle; the build asks it for the code cache after a training run. */
  script: Script;
  cache: CodeCacheState;
}

export const cacheFileOf = (bundle: string): string => `${bundle}.cache`;

/** Runs `file` as a CommonJS module, with the cache beside it unless `useCache` is false. */
export function loadBundle<T>(file: string, useCache = true): LoadedBundle<T> {
  // V8 takes a cache only under the V8 flags it was made with: none are set before this point.
  const source = readFileSync(file, 'latin1');
  let cachedData: Buffer | undefined;
  if (useCache) {
    try {
      cachedData = readFileSync(cacheFileOf(file));
    } catch {
      // no cache: compiled as usual
    }
  }
  // Positions in stacks are the bundle's own, for its source map: the wrapper stays on the first line,
  // and the columns of that line are counted from after it.
  const wrapper = '(function (exports, require, module, __filename, __dirname) {';
  const script = new Script(`${wrapper}${source}\n})`, { filename: file, cachedData, columnOffset: -wrapper.length });
  const module = { exports: {} as T };
  const run = script.runInThisContext() as (e: T, r: NodeJS.Require, m: { exports: T }, f: string, d: string) => void;
  run(module.exports, createRequire(file), module, file, dirname(file));
  const cache: CodeCacheState = cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
  return { exports: module.exports, script, cache };
}
