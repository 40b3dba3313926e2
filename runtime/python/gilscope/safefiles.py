"""How gilscope creates files and folders, in one place for the Python side
(the Node launcher's twin is src/core/launch/safeFiles.ts; both follow the
rules of runtime/README.md, "Files and the probe cache"):

- A recording folder is either made here (mkdir 0700, never through a
  missing parent: the parent must exist) or an existing folder that is
  the user's own, not a symbolic link, not writable by group or others,
  not on a kernel file system (/proc, /sys, ...) and without an earlier
  recording. It is checked before anything is written.
- Every file is created with O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600:
  nothing planted (a symbolic link, a FIFO, another user's file) is ever
  opened or written through. A file that replaces another (session.json)
  is written under a fresh unpredictable name and renamed over it.
- errors-<pid>.txt, appended to by its one process, is opened
  O_APPEND | O_NOFOLLOW, 0600.

A refusal is an UnsafePath whose message is one sentence for a person.
This module imports only os, errno and stat: the recorder's _boot uses it
inside every recorded process."""
import errno
import os
import stat

# File systems that are the kernel's windows, not storage: a folder made in
# /sys/fs/cgroup is a new cgroup, and reading /proc files can block.
KERNEL_FILE_SYSTEMS = frozenset((
    "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "debugfs", "tracefs", "securityfs",
    "bpf", "pstore", "configfs", "efivarfs", "selinuxfs", "mqueue", "fusectl", "binfmt_misc",
))

OS_ERROR_WORDS = {
    errno.ENOENT: "no such file or folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "the operation is not permitted",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.ELOOP: "it is a symbolic link (or too many links)",
    errno.EEXIST: "it already exists",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ENOTEMPTY: "the folder is not empty",
    errno.EBUSY: "it is busy",
    errno.EMFILE: "too many files are open",
    errno.EXDEV: "it is on another file system",
}


class UnsafePath(Exception):
    """A path gilscope refuses to write to; the message is one line for a person."""


def os_error_words(error):
    """An OSError as words, without the errno name (ENOTDIR...)."""
    return OS_ERROR_WORDS.get(error.errno) or (error.strerror or str(error)).lower()


def _escaped_mount_path(text):
    """/proc/self/mountinfo writes a space as \\040 (and tab, newline, backslash likewise)."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 3 < len(text) and text[i + 1:i + 4].isdigit():
            out.append(chr(int(text[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def file_system_of(path):
    """(mount point, file system type) of an existing path, or None when
    /proc/self/mountinfo cannot be read (no /proc mounted)."""
    real = os.path.realpath(path)
    best = None
    try:
        with open("/proc/self/mountinfo", "rb") as f:
            lines = f.read().decode(errors="replace").splitlines()
    except OSError:
        return None
    for line in lines:
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5 or not right:
            continue
        mount = _escaped_mount_path(fields[4])
        inside = real == mount or real.startswith(mount.rstrip("/") + "/")
        if inside and (best is None or len(mount) >= len(best[0])):
            best = (mount, right.split()[0])
    return best


def kernel_file_system(path):
    """'proc at /proc' when `path` (existing) is on a kernel file system, else None."""
    found = file_system_of(path)
    if found and found[1] in KERNEL_FILE_SYSTEMS:
        return "%s at %s" % (found[1], found[0])
    return None


def _nearest_existing(path):
    while not os.path.lexists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return path


def is_recording_file(name):
    """A name that only a recording puts in a folder (runtime/FORMAT.md)."""
    return (name.endswith(".gsr") or name in ("session.json", "sampler.json", "budget")
            or (name.startswith("errors-") and name.endswith(".txt")))


def folder_fault(st):
    """Why a folder (its lstat) cannot be trusted to be private, or None; said
    of the folder: "is a symbolic link", "belongs to another user (uid 65534)"."""
    if stat.S_ISLNK(st.st_mode):
        return "is a symbolic link"
    if not stat.S_ISDIR(st.st_mode):
        return "is a file, not a folder"
    return owner_fault(st)


def owner_fault(st):
    """Why a file or folder (its stat) may hold what someone else wrote, or None."""
    if st.st_uid != os.geteuid():
        return "belongs to another user (uid %d)" % st.st_uid
    if st.st_mode & 0o022:
        return "is writable by others (mode %04o)" % stat.S_IMODE(st.st_mode)
    return None


def _check_parent_holds(absolute):
    """The folder's parent must not let others rename things in it: a parent
    anyone may write in, without the sticky bit (/tmp has it), would let them
    swap the checked folder for a link before the files are written."""
    parent = os.path.dirname(absolute)
    try:
        st = os.stat(parent)
    except OSError:
        return  # said by the caller's own checks
    if st.st_mode & 0o002 and not st.st_mode & stat.S_ISVTX:
        raise UnsafePath("%s is in %s, where anyone may rename or replace things (mode %04o, no sticky bit); "
                         "choose another -o" % (absolute, parent, stat.S_IMODE(st.st_mode)))


def check_output_folder(path):
    """Checks `path` as a recording folder before anything is written:
    returns (absolute path, whether it exists already). Raises UnsafePath
    saying what is wrong and what to do. Reads nothing under /proc or /sys
    beyond their mount table: a kernel file system is refused first."""
    absolute = os.path.abspath(path)
    kernel = kernel_file_system(_nearest_existing(absolute))
    if kernel:
        raise UnsafePath("%s is on a kernel file system (%s), not a place for files; choose another -o"
                         % (absolute, kernel))
    try:
        st = os.lstat(absolute)
    except FileNotFoundError:
        st = None
    except OSError as error:
        raise UnsafePath("cannot use %s as the recording folder: %s; choose another -o"
                         % (absolute, os_error_words(error)))
    if st is None:
        _check_parent(absolute)
        _check_parent_holds(absolute)
        return absolute, False
    if stat.S_ISLNK(st.st_mode):
        raise UnsafePath("%s is a symbolic link; name a real folder with -o (gilscope does not write through links)"
                         % absolute)
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafePath("%s is a file, not a folder; name a new folder for the recording with -o" % absolute)
    fault = owner_fault(st)
    if fault:
        raise UnsafePath("%s %s: it cannot hold a private recording; name a folder of your own with -o" % (absolute, fault))
    try:
        names = os.listdir(absolute)
    except OSError as error:
        raise UnsafePath("cannot use %s as the recording folder: %s; choose another -o"
                         % (absolute, os_error_words(error)))
    _check_parent_holds(absolute)
    if any(is_recording_file(n) for n in names):
        raise UnsafePath("%s already holds a recording; name a new folder with -o, or remove that one" % absolute)
    if not os.access(absolute, os.W_OK | os.X_OK):
        raise UnsafePath("cannot write in %s: %s; choose another -o" % (absolute, _why_not_writable(absolute)))
    return absolute, True


def _check_parent(absolute):
    parent = os.path.dirname(absolute)
    try:
        st = os.stat(parent)
    except FileNotFoundError:
        raise UnsafePath("cannot create %s: its folder %s does not exist; create it first or choose another -o"
                         % (absolute, parent))
    except OSError as error:
        raise UnsafePath("cannot create %s: %s: %s; choose another -o" % (absolute, parent, os_error_words(error)))
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafePath("cannot create %s: %s is a file, not a folder; choose another -o" % (absolute, parent))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UnsafePath("cannot create %s: %s; choose another -o" % (absolute, _why_not_writable(parent)))


def _why_not_writable(folder):
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "%s is on a read-only file system" % folder
    except OSError:
        pass
    return "you may not write in %s" % folder


def make_recording_folder(path):
    """Creates (0700) or accepts the recording folder `path` under the rules
    above; returns its absolute path. Raises UnsafePath."""
    absolute, exists = check_output_folder(path)
    if exists:
        return absolute
    try:
        os.mkdir(absolute, 0o700)
    except FileExistsError:  # made meanwhile: judged like any existing folder
        return check_output_folder(absolute)[0]
    except OSError as error:
        raise UnsafePath("cannot create %s: %s; choose another -o" % (absolute, os_error_words(error)))
    # The umask may have taken bits away; set exactly 0700 on the folder just made, not on what a name now points at.
    fd = os.open(absolute, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        if os.fstat(fd).st_uid != os.geteuid():
            raise UnsafePath("%s was replaced while it was created; choose another -o" % absolute)
        os.fchmod(fd, 0o700)
    finally:
        os.close(fd)
    return absolute


def check_own_folder(path):
    """A folder another launcher made for this one (the sampler under
    `gilscope record`): it must be the user's own, private, and real.
    Returns its absolute path; raises UnsafePath."""
    absolute = os.path.abspath(path)
    try:
        st = os.lstat(absolute)
    except OSError as error:
        raise UnsafePath("cannot use %s as the recording folder: %s" % (absolute, os_error_words(error)))
    fault = folder_fault(st)
    if fault:
        raise UnsafePath("cannot use %s as the recording folder: it %s" % (absolute, fault))
    return absolute


def create_exclusive(path, flags=os.O_WRONLY):
    """Opens a new file, 0600; never an existing one, never through a link."""
    return os.open(path, flags | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)


def replace_file(directory, name, data):
    """Writes `data` (bytes) as directory/name, atomically: under a fresh
    unpredictable name made with O_EXCL | O_NOFOLLOW, then renamed over
    the old one (a rename replaces a link planted there, never follows it)."""
    final = os.path.join(directory, name)
    temporary = os.path.join(directory, ".%s.%s.tmp" % (name, os.urandom(8).hex()))
    fd = create_exclusive(temporary)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.rename(temporary, final)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def append_private(path, text):
    """Appends a line to a file of this process's own (errors-<pid>.txt)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        os.write(fd, text.encode("utf-8", "replace"))
    finally:
        os.close(fd)
