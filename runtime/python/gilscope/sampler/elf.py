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
    """The dynamic symbols and load segments of one ELF64 little-endian file."""

    def __init__(self, path):
        with open(path, "rb") as f:
            data = f.read()
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise ValueError("%s: not a 64-bit little-endian ELF file" % path)
        (_ident, self.e_type, _machine, _version, _entry, phoff, shoff, _flags, _ehsize,
         phentsize, phnum, shentsize, shnum, _shstrndx) = _EHDR.unpack_from(data, 0)
        self.segments = []  # (p_offset, p_vaddr, p_filesz)
        for i in range(phnum):
            p_type, _f, p_offset, p_vaddr, _pa, p_filesz, _ms, _al = _PHDR.unpack_from(data, phoff + i * phentsize)
            if p_type == PT_LOAD:
                self.segments.append((p_offset, p_vaddr, p_filesz))
        self._symbols = {}
        self._data = data
        self._dynsym = None
        for i in range(shnum):
            sh = _SHDR.unpack_from(data, shoff + i * shentsize)
            if sh[1] == SHT_DYNSYM:
                link = _SHDR.unpack_from(data, shoff + sh[6] * shentsize)
                self._dynsym = (sh[4], sh[5], sh[9] or _SYM.size, link[4], link[5])
                break

    def symbol(self, name):
        """(value, size) of a defined dynamic symbol, or None."""
        if name in self._symbols:
            return self._symbols[name]
        found = None
        if self._dynsym:
            off, size, entsize, stroff, strsize = self._dynsym
            strtab = self._data[stroff:stroff + strsize]
            key = b"\0" + name.encode() + b"\0"
            index = strtab.find(key)
            while index >= 0 and found is None:
                st_name = index + 1
                for pos in range(off, off + size, entsize):
                    s_name, _info, _other, shndx, value, s_size = _SYM.unpack_from(self._data, pos)
                    if s_name == st_name and shndx != 0:
                        found = (value, s_size)
                        break
                index = strtab.find(key, index + 1)
        self._symbols[name] = found
        return found

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
    """The parts of ElfSymbols the sampler keeps: two symbols and the segments,
    not the whole file in memory."""

    def __init__(self, elf):
        self.e_type = elf.e_type
        self.segments = elf.segments
        self.runtime = elf.symbol("_PyRuntime")
        self.py_version = elf.symbol("Py_Version")
        if self.py_version:
            value, size = self.py_version
            self.py_version_value = _read_at_vaddr(elf, value, 4)
        else:
            self.py_version_value = None

    load_base = ElfSymbols.load_base


def _read_at_vaddr(elf, vaddr, size):
    """A constant's bytes from the file (Py_Version is in .rodata)."""
    for p_offset, p_vaddr, p_filesz in elf.segments:
        if p_vaddr <= vaddr and vaddr + size <= p_vaddr + p_filesz:
            at = p_offset + (vaddr - p_vaddr)
            return struct.unpack_from("<I", elf._data, at)[0]
    return None
