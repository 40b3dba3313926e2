/**
 * Python's own files, installed packages and gilscope's runtime (its sitecustomize and
 * gilscope/ package, which run in every recorded process): a hot line there is not the user's to change.
 */
const LIBRARY = /(^<frozen |^<|[\\/]lib[\\/]python\d\.\d+t?[\\/]|[\\/]site-packages[\\/]|[\\/]dist-packages[\\/]|[\\/]runtime[\\/]python[\\/](sitecustomize\.py|gilscope[\\/]))/;

/** Whether a hot line or a wait is in code that is not the user's to change. */
export function isLibrary(file: string): boolean {
  return file === '' || LIBRARY.test(file);
}
