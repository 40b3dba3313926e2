/**
 * `itest:all` is made by build.mjs: every test/integration/suite/**\/*.itest.ts, in path order,
 * each with a `load` that requires it (so a file that throws while loading fails alone).
 */
declare module 'itest:all' {
  export const suiteFiles: readonly { readonly name: string; readonly load: () => void }[];
}
