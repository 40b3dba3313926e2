"""When a cached probe may be loaded. The probe is native code that runs in
every recorded process, as the user: a file planted in the cache (by
another user, through a folder others can write, or altered after it was
built) must never be loaded. The rules, checked in every process before
it loads the probe:

- the cache root and its probe/ folder are the user's own, real folders
  (not symbolic links); each is created 0700, and an existing one of the
  user's that group or others may read or write is set to 0700;
- the probe's own folder, the probe and its checksum file
  (<probe>.sha256, written when it was built) are the user's own, not
  symbolic links, not writable by group or others;
- the probe's content matches that checksum.

The probe is opened once (O_NOFOLLOW), checked through that descriptor
and loaded from it (/proc/self/fd/N), so what was checked is what runs.
A probe that fails is built again in a fresh folder renamed into place
(_build.py).

Handing a verified probe over (probe_handoff.py). Hashing the probe costs
milliseconds in every process the workload starts, so the launcher, which
has just checked it under the rules above, hands it over: its path and
its identity, dev:ino:size:mtime_ns:ctime_ns, read through the descriptor
it hashed. A recorded process whose probe, opened O_NOFOLLOW and fstat'ed,
has that identity, is the user's and writable by no one else, in folders
(its own, probe/ and the cache root) that are the user's, real and not
writable by others, loads it from that descriptor without hashing it. Why
an equal identity means the content that was hashed: the kernel sets an
inode's ctime to the current time on every change of its content (write,
truncate), mode, owner or links, and no call sets it to a chosen value
(utimensat sets atime and mtime only); so the same inode on the same
device with the same ctime has not changed since. Two limits, both
closed here:

- file times are coarse (a kernel clock tick, up to 10 ms; whole seconds
  on some file systems): a change in the same tick as the change before
  it would leave ctime as it was. So the identity is handed over only for
  a probe whose ctime was at least SETTLED_NS old when hashing began
  (COARSE_SETTLED_NS when the ctime is a whole second; a probe just built
  is waited for), and only when it is the same after hashing: any later
  change falls in a later tick and shows;
- setting the system clock back could repeat a ctime; that takes root,
  who could replace the probe anyway.

Anything else (another interpreter, a probe rebuilt or touched since, a
missing or malformed hand-over) takes the full check above.

The cache does not grow for ever: a probe is built per gilscope version and
interpreter, and when one is built (prune) the probe folders no launcher has
used for UNUSED_DAYS (note_used marks a folder, at most daily, by its mtime:
not the probe's, whose ctime is part of its handed-over identity) and builds
interrupted more than a day ago are removed."""
import errno
import hashlib
import os
import stat
import time

from . import safefiles

CHECKSUM_SUFFIX = ".sha256"
MISSING = "is not built yet"
SETTLED_NS = 50 * 1000 * 1000  # several kernel clock ticks: see "Handing a verified probe over"
COARSE_SETTLED_NS = 2 * 1000 * 1000 * 1000  # a file system that keeps whole seconds (or two)


UNUSED_DAYS = 60
DAY_S = 86400


class CacheUnsafe(Exception):
    """The cache root or its probe/ folder cannot be made private; the message says what to do."""


def private_probe_folder(root):
    """root/probe, made private under the rules above; returns its path.
    Levels above the root that are missing are created 0700 too."""
    root = os.path.abspath(root)
    missing, level = [], root
    while not os.path.lexists(level) and os.path.dirname(level) != level:
        missing.append(level)
        level = os.path.dirname(level)
    for folder in reversed(missing[1:]):  # above the root: the user's, made private like XDG's cache
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        except OSError as error:
            raise CacheUnsafe("cannot create the probe cache folder %s: %s; set GILSCOPE_CACHE to a folder "
                              "of your own" % (folder, safefiles.os_error_words(error)))
    probes = os.path.join(root, "probe")
    for folder in (root, probes):
        _make_private(folder)
    return probes


def _make_private(folder):
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError as error:
        raise CacheUnsafe("cannot create the probe cache folder %s: %s; set GILSCOPE_CACHE to a folder "
                          "of your own" % (folder, safefiles.os_error_words(error)))
    st = os.lstat(folder)
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
        raise CacheUnsafe("the probe cache folder %s %s; remove it or set GILSCOPE_CACHE to a folder of your own"
                          % (folder, safefiles.folder_fault(st)))
    if stat.S_IMODE(st.st_mode) != 0o700:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            os.fchmod(fd, 0o700)
        finally:
            os.close(fd)


def _open_checked(path, what):
    """(fd, None) for a regular file of the user's that only the user can
    write, opened without following a link and without blocking; else (None, why)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None, MISSING if what == "" else "has no recorded checksum"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return None, _say(what, "is a symbolic link")
        return None, _say(what, "cannot be read (%s)" % safefiles.os_error_words(error))
    st = os.fstat(fd)
    fault = None if stat.S_ISREG(st.st_mode) else "is not a regular file"
    fault = fault or safefiles.owner_fault(st)
    if fault:
        os.close(fd)
        return None, _say(what, fault)
    return fd, None


def _say(what, fault):
    return fault if what == "" else "has a %s that %s" % (what, fault)


def file_digest(fd):
    h = hashlib.sha256()
    while True:
        block = os.read(fd, 1 << 20)
        if not block:
            return h.hexdigest()
        h.update(block)


def identity(st):
    """dev:ino:size:mtime_ns:ctime_ns of a file's stat: what a recorded process
    compares to load the probe its launcher verified (see the docstring)."""
    return "%d:%d:%d:%d:%d" % (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _settled_stat(fd):
    """The file's stat once its ctime is SETTLED_NS old (waiting a little for
    a probe just built); None when it keeps changing or lies in the future."""
    for _ in range(4):
        st = os.fstat(fd)
        settled = SETTLED_NS if st.st_ctime_ns % 1000000000 else COARSE_SETTLED_NS
        age = time.time_ns() - st.st_ctime_ns
        if age >= settled:
            return st
        if age < 0:
            return None  # a clock set back: no identity can be trusted to show a change
        time.sleep((settled - age) / 1e9)
    return None


def open_trusted(path):
    """(fd, None) when the probe at `path` may be loaded: fd is open on it,
    checked; else (None, why), e.g. "is writable by others (mode 0666)"."""
    fd, _, fault = _open_trusted(path, for_handoff=False)
    return fd, fault


def open_for_handoff(path):
    """open_trusted, and the identity to hand over to the workload's
    processes (None when it cannot be: the probe keeps changing):
    (fd, identity, None) or (None, None, why)."""
    return _open_trusted(path, for_handoff=True)


def _open_trusted(path, for_handoff):
    try:
        folder = os.lstat(os.path.dirname(path))
    except FileNotFoundError:
        return None, None, MISSING
    except OSError as error:
        return None, None, "has a folder that cannot be read (%s)" % safefiles.os_error_words(error)
    fault = safefiles.folder_fault(folder)
    if fault:
        return None, None, "has a folder that %s" % fault
    fd, fault = _open_checked(path, "")
    if fd is None:
        return None, None, fault
    sums, fault = _open_checked(path + CHECKSUM_SUFFIX, "checksum file")
    if sums is None:
        os.close(fd)
        return None, None, fault
    try:
        recorded = os.read(sums, 4096).decode(errors="replace").split()
    finally:
        os.close(sums)
    before = _settled_stat(fd) if for_handoff else None
    if not recorded or file_digest(fd) != recorded[0]:
        os.close(fd)
        return None, None, "does not match the checksum recorded when it was built"
    os.lseek(fd, 0, os.SEEK_SET)
    handed = None
    if before is not None and identity(os.fstat(fd)) == identity(before):
        handed = identity(before)
    return fd, handed, None


def write_checksum(path):
    """Writes <path>.sha256 ("DIGEST  NAME", as sha256sum prints it) for a probe just built."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        digest = file_digest(fd)
    finally:
        os.close(fd)
    out = safefiles.create_exclusive(path + CHECKSUM_SUFFIX)
    try:
        os.write(out, ("%s  %s\n" % (digest, os.path.basename(path))).encode())
    finally:
        os.close(out)


def install(fresh, final, probe_name):
    """Renames the folder `fresh` (a complete build of `probe_name`) to `final`. When
    `final` exists: a trusted build there (a concurrent builder's) is kept
    and `fresh` dropped; anything else is moved aside and removed. Returns
    when `final` holds a trusted build."""
    import shutil
    for _ in range(3):
        try:
            os.rename(fresh, final)
            return
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
                raise
        fd, _ = open_trusted(os.path.join(final, probe_name))
        if fd is not None:
            os.close(fd)
            shutil.rmtree(fresh, ignore_errors=True)
            return
        stale = "%s.stale-%s" % (final, os.urandom(6).hex())
        try:
            os.rename(final, stale)
        except FileNotFoundError:
            continue
        if os.path.isdir(stale) and not os.path.islink(stale):
            shutil.rmtree(stale, ignore_errors=True)
        else:
            try:
                os.unlink(stale)
            except OSError:
                pass
    raise OSError(errno.EBUSY, "the probe folder %s kept changing while it was replaced" % final)


def note_used(folder):
    """Marks the probe folder `folder` as used now, unless it was within a day."""
    try:
        if time.time() - os.stat(folder, follow_symlinks=False).st_mtime > DAY_S:
            os.utime(folder, follow_symlinks=False)
    except OSError:
        pass  # housekeeping: a probe that loads is what matters


def prune(probes, keep):
    """Removes, from the private probe/ folder `probes`, the user's probe
    folders unused for UNUSED_DAYS (other gilscope versions, interpreters
    since removed), builds interrupted (their .build- folder older than a
    day) and what an earlier removal left; never `keep`, a symbolic link, or
    another user's. Each is renamed aside first, so that a process looking
    for it finds it whole or missing (and builds it again). Errors are
    ignored: this is housekeeping."""
    import shutil
    now = time.time()
    try:
        entries = list(os.scandir(probes))
    except OSError:
        return
    for entry in entries:
        if entry.name == keep:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
            continue
        if ".prune-" in entry.name or ".stale-" in entry.name:
            older_than = 0
        elif ".build-" in entry.name:
            older_than = DAY_S
        else:
            older_than = UNUSED_DAYS * DAY_S
        if now - st.st_mtime <= older_than:
            continue
        aside = entry.path
        if ".prune-" not in entry.name:
            aside = "%s.prune-%s" % (entry.path, os.urandom(6).hex())
            try:
                os.rename(entry.path, aside)
            except OSError:
                continue
        shutil.rmtree(aside, ignore_errors=True)
