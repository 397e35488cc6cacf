// The package.json we publish: the checkout's, without its "scripts". Every script there serves a
// checkout (build, test, release) and names files that are not shipped. Worse, npm treats `prepare` in
// a package installed from a file: tarball or folder as an install script: from a tarball npm 11 warns
// "install scripts not yet covered by allowScripts" on every `c8ctl load plugin`, and from an unpacked
// folder it runs it, and fails (scripts/build.mjs is not there). A checkout keeps them: `npm ci` builds.

/** Scripts npm may run when the package is installed somewhere; none may reach a user. */
export const INSTALL_SCRIPTS = [
  'preinstall',
  'install',
  'postinstall',
  'prepare',
  'preprepare',
  'postprepare',
  'prepublish',
] as const;

/** package.json text → the text to publish (same fields and order, no "scripts"); pure. */
export function publishedManifest(text: string): string {
  const pkg = JSON.parse(text) as Record<string, unknown>;
  delete pkg.scripts;
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
