"""The per-host folders of a cluster recording (docs/clusters.md): with
GILSCOPE_PER_HOST=1 every process records into GILSCOPE_DIR/<host>/, and
`gilscope report DIR` reads DIR's per-host folders as one recording."""
import os
import socket

from . import safefiles


def host_name():
    """This machine's name as a folder name: the node name, with anything that
    could leave the folder (a slash, a leading dot) made harmless."""
    name = os.uname().nodename or socket.gethostname() or "host"
    name = "".join(c if (c.isalnum() or c in "-_.") else "_" for c in name)
    return name.lstrip(".") or "host"


def _own_folder(path):
    """Makes `path` (0700) when missing, else checks it is the user's own and private."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    return safefiles.check_own_folder(path)


def host_folder(base):
    """base/<host>/, both made when missing (base's own folder must exist).
    Raises UnsafePath (safefiles) when either is not the user's own."""
    base = os.path.abspath(base)
    if not os.path.isdir(os.path.dirname(base)):
        raise safefiles.UnsafePath("cannot create %s: its folder does not exist" % base)
    return _own_folder(os.path.join(_own_folder(base), host_name()))
