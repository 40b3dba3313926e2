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
(_build.py)."""
import errno
import hashlib
import os
import stat

from . import safefiles

CHECKSUM_SUFFIX = ".sha256"
MISSING = "is not built yet"


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


def open_trusted(path):
    """(fd, None) when the probe at `path` may be loaded: fd is open on it,
    checked; else (None, why), e.g. "is writable by others (mode 0666)"."""
    try:
        folder = os.lstat(os.path.dirname(path))
    except FileNotFoundError:
        return None, MISSING
    except OSError as error:
        return None, "has a folder that cannot be read (%s)" % safefiles.os_error_words(error)
    fault = safefiles.folder_fault(folder)
    if fault:
        return None, "has a folder that %s" % fault
    fd, fault = _open_checked(path, "")
    if fd is None:
        return None, fault
    sums, fault = _open_checked(path + CHECKSUM_SUFFIX, "checksum file")
    if sums is None:
        os.close(fd)
        return None, fault
    try:
        recorded = os.read(sums, 4096).decode(errors="replace").split()
    finally:
        os.close(sums)
    if not recorded or file_digest(fd) != recorded[0]:
        os.close(fd)
        return None, "does not match the checksum recorded when it was built"
    os.lseek(fd, 0, os.SEEK_SET)
    return fd, None


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
