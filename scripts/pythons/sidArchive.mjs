// Debian's sid (and the sources of forky, sid and trixie) seen through a private apt state in
// <cache>/apt-sid: it reads and downloads packages and never touches the system's apt
// configuration, dpkg database or installed packages. `apt-get download` and
// `apt-get source --download-only` only write files into the folder they run in.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PythonsError, lastLine, run, runOrFail, step } from './progress.mjs';

const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
/** Suites whose sources are listed: the free-threaded build takes the first python3.13 source that downloads. */
const SOURCE_SUITES = ['sid', 'forky', 'trixie'];

/**
 * The Debian mirror the machine's own apt uses (its deb822 or one-line sources), so that this
 * works wherever the machine's apt works. GILSCOPE_DEBIAN_MIRROR overrides it.
 */
export function debianMirror(env = process.env) {
  if (env.GILSCOPE_DEBIAN_MIRROR) return env.GILSCOPE_DEBIAN_MIRROR;
  const deb822 = '/etc/apt/sources.list.d/debian.sources';
  if (existsSync(deb822)) {
    // the first stanza that is not the security archive
    for (const stanza of readFileSync(deb822, 'utf8').split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const suites = /^Suites:\s*(.*)$/m.exec(stanza)?.[1] ?? '';
      if (uri && !/-security\b/.test(suites)) return uri;
    }
  }
  const oneLine = '/etc/apt/sources.list';
  if (existsSync(oneLine)) {
    for (const line of readFileSync(oneLine, 'utf8').split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
      if (m && !m[2].endsWith('-security')) return m[1];
    }
  }
  return undefined;
}

export class SidArchive {
  /** @param {string} stateDir <cache>/apt-sid */
  constructor(stateDir, mirror = debianMirror()) {
    this.stateDir = stateDir;
    this.mirror = mirror;
    /** @type {Promise<void> | undefined} one `apt-get update` per run, and only when something is built */
    this.updated = undefined;
  }

  /** apt's options for the private state: an empty dpkg status keeps the host's packages out of every answer. */
  options() {
    const a = this.stateDir;
    return [
      '-o', `Dir::Etc::sourcelist=${join(a, 'sources.list')}`,
      '-o', 'Dir::Etc::sourceparts=/nonexistent',
      '-o', `Dir::State::Lists=${join(a, 'lists')}`,
      '-o', `Dir::State::status=${join(a, 'status')}`,
      '-o', `Dir::Cache=${join(a, 'cache')}`,
      '-o', `Dir::Cache::archives=${join(a, 'archives')}`,
      // apt would download as _apt, who cannot write into the cache folders; only silences a warning
      '-o', 'APT::Sandbox::User=root',
    ];
  }

  /** Fetches sid's package index and the source indexes once; a PythonsError(exit 2) when the archive cannot be reached. */
  update() {
    this.updated ??= this.#update();
    return this.updated;
  }

  async #update() {
    if (!this.mirror) {
      throw new PythonsError('no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list (set GILSCOPE_DEBIAN_MIRROR to one)', 2);
    }
    const a = this.stateDir;
    for (const dir of ['lists/partial', 'archives/partial', 'cache']) mkdirSync(join(a, dir), { recursive: true });
    if (!existsSync(join(a, 'status'))) writeFileSync(join(a, 'status'), '');
    const lines = [
      `deb [signed-by=${KEYRING}] ${this.mirror} sid main`,
      ...SOURCE_SUITES.map((suite) => `deb-src [signed-by=${KEYRING}] ${this.mirror} ${suite} main`),
    ];
    writeFileSync(join(a, 'sources.list'), `${lines.join('\n')}\n`);
    const result = await step('apt-get update (sid packages, sid/forky/trixie sources)', () =>
      run('apt-get', ['-qq', ...this.options(), 'update']),
    );
    // apt reports an unreachable mirror as a warning and may still exit 0
    const failed = /^(?:E|W): (?:Failed to fetch|Some index files failed|Could not resolve|Unable to connect)/m.exec(result.stderr);
    if (result.code !== 0 || failed) {
      const why = lastLine(failed ? result.stderr.slice(failed.index).split('\n')[0] : result.tail);
      throw new PythonsError(`Debian's archive (${this.mirror}) cannot be reached: apt-get update: ${why.replace(/\s+/g, ' ')}`, 2);
    }
  }

  /** The version sid has of a binary package (read, never pinned: sid replaces versions without notice). */
  async binaryVersion(pkg) {
    await this.update();
    const { code, stdout, tail } = await run('apt-cache', [...this.options(), 'show', pkg]);
    const version = /^Version: (\S+)/m.exec(stdout)?.[1];
    if (code !== 0 || !version) throw new PythonsError(`sid has no package ${pkg} (apt-cache show: ${lastLine(tail) || 'no Version'})`, 2);
    return version;
  }

  /** Every version the listed suites have of a source package, as apt-cache showsrc lists them. */
  async sourceVersions(pkg) {
    await this.update();
    const { stdout } = await run('apt-cache', [...this.options(), 'showsrc', pkg]);
    return [...new Set([...stdout.matchAll(/^Version: (\S+)/gm)].map((m) => m[1]))];
  }

  /** Downloads binary packages (sid's candidate of each) into `dir`. */
  async download(pkgs, dir) {
    await this.update();
    mkdirSync(dir, { recursive: true });
    await runOrFail(`apt-get download into ${dir}`, 'apt-get', ['-qq', ...this.options(), 'download', ...pkgs], { cwd: dir });
  }

  /** Downloads one version of a source package (.dsc, .orig.tar.*, .debian.tar.*) into `dir`; false when the archive does not have its files. */
  async downloadSource(pkg, version, dir) {
    await this.update();
    mkdirSync(dir, { recursive: true });
    const result = await run('apt-get', ['-qq', ...this.options(), 'source', '--download-only', `${pkg}=${version}`], { cwd: dir });
    // "E: Failed to fetch <url>  404  Not Found [IP: ...]" names the file; the last line only says some failed
    const fetch = /^E: Failed to fetch (\S+)\s+(.+?)\s*(?:\[IP:.*)?$/m.exec(result.tail);
    const why = fetch ? `${fetch[1].split('/').pop()}: ${fetch[2].replace(/\s+/g, ' ')}` : lastLine(result.tail);
    return { ok: result.code === 0, why };
  }
}
