"""Just enough ELF to find a dynamic symbol of a mapped object: where
`_PyRuntime` (and `Py_Version`, 3.11+) lives in another process, with no
compiler and no debug information. Works on the stripped executables
distributions ship, because the interpreter exports its symbols to the
extension modules it loads."""
import os
import struct

ET_EXEC = 2
PT_LOAD = 1
SHT_DYNSYM = 11

_EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
_SHDR = struct.Struct("<IIQQQQIIQQ")
_PHDR = struct.Struct("<IIQQQQQQ")
_SYM = struct.Struct("<IBBHQQ")

_cache = {}


class ElfSymbols:
    """The dynamic symbols and load segments of one ELF64 little-endian file.
    Reads the headers, .dynsym and its string table, not the whole file."""

    def __init__(self, path):
        with open(path, "rb") as f:
            head = f.read(_EHDR.size)
            if head[:4] != b"\x7fELF" or head[4] != 2 or head[5] != 1:
                raise ValueError("%s: not a 64-bit little-endian ELF file" % path)
            (_ident, self.e_type, _machine, _version, _entry, phoff, shoff, _flags, _ehsize,
             phentsize, phnum, shentsize, shnum, _shstrndx) = _EHDR.unpack_from(head, 0)
            f.seek(phoff)
            phdrs = f.read(phnum * phentsize)
            self.segments = []  # (p_offset, p_vaddr, p_filesz)
            for i in range(phnum):
                p_type, _f, p_offset, p_vaddr, _pa, p_filesz, _ms, _al = _PHDR.unpack_from(phdrs, i * phentsize)
                if p_type == PT_LOAD:
                    self.segments.append((p_offset, p_vaddr, p_filesz))
            f.seek(shoff)
            shdrs = f.read(shnum * shentsize)
            self._symbols = {}
            self._dynsym = self._strtab = b""
            self._entsize = _SYM.size
            for i in range(shnum):
                sh = _SHDR.unpack_from(shdrs, i * shentsize)
                if sh[1] == SHT_DYNSYM:
                    link = _SHDR.unpack_from(shdrs, sh[6] * shentsize)
                    f.seek(sh[4])
                    self._dynsym = f.read(sh[5])
                    self._entsize = sh[9] or _SYM.size
                    f.seek(link[4])
                    self._strtab = f.read(link[5])
                    break
            self._constants = {}
            for name in ("Py_Version",):
                found = self.symbol(name)
                if found:
                    self._constants[name] = self._read_at_vaddr(f, found[0], 4)

    def symbol(self, name):
        """(value, size) of a defined dynamic symbol, or None."""
        if name in self._symbols:
            return self._symbols[name]
        found = None
        key = b"\0" + name.encode() + b"\0"
        index = self._strtab.find(key)
        while index >= 0 and found is None:
            st_name = index + 1
            for pos in range(0, len(self._dynsym) - _SYM.size + 1, self._entsize):
                s_name, _info, _other, shndx, value, s_size = _SYM.unpack_from(self._dynsym, pos)
                if s_name == st_name and shndx != 0:
                    found = (value, s_size)
                    break
            index = self._strtab.find(key, index + 1)
        self._symbols[name] = found
        return found

    def constant(self, name):
        """The u32 value of a constant symbol read at load (Py_Version), or None."""
        return self._constants.get(name)

    def _read_at_vaddr(self, f, vaddr, size):
        for p_offset, p_vaddr, p_filesz in self.segments:
            if p_vaddr <= vaddr and vaddr + size <= p_vaddr + p_filesz:
                f.seek(p_offset + (vaddr - p_vaddr))
                data = f.read(size)
                return struct.unpack("<I", data)[0] if len(data) == size else None
        return None

    def load_base(self, mappings):
        """The load bias of this file in a process, from its mappings
        [(start, file_offset)], or None when none of them is a load segment."""
        if self.e_type == ET_EXEC:
            return 0
        for start, file_offset in mappings:
            for p_offset, p_vaddr, p_filesz in self.segments:
                page_offset = p_offset & ~0xFFF
                if page_offset <= file_offset < p_offset + max(p_filesz, 1):
                    return start - file_offset - ((p_vaddr & ~0xFFF) - page_offset)
        return None


def symbols_of(path):
    """ElfSymbols for a file, cached by identity (device, inode, size, mtime)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = (path, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    if key not in _cache:
        try:
            elf = ElfSymbols(path)
        except (OSError, ValueError, struct.error):
            elf = None
        elf = elf and _Slim(elf)
        _cache[key] = elf
    return _cache[key]


class _Slim:
    """The parts of ElfSymbols the sampler keeps: two symbols and the segments."""

    def __init__(self, elf):
        self.e_type = elf.e_type
        self.segments = elf.segments
        self.runtime = elf.symbol("_PyRuntime")
        self.py_version_value = elf.constant("Py_Version")

    load_base = ElfSymbols.load_base
