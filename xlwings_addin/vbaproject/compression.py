"""MS-OVBA §2.4.1: the compression of VBA streams (the ``dir`` stream and module source).

A compressed container is the signature byte ``0x01`` followed by chunks, each holding up to
4096 bytes of the decompressed data: a two-byte header (size, signature ``0b011``, a flag for
compressed) and then either the bytes as they are (a raw chunk, exactly 4096 bytes) or groups
of eight tokens behind a flag byte, where a token is a literal byte or a copy of 3 or more
earlier bytes of the same chunk (offset and length packed into 16 bits, split according to
how far into the chunk the copy starts).
"""

from __future__ import annotations

CHUNK = 4096
SIGNATURE = 0x01


class CompressionError(ValueError):
    """A container that does not follow §2.4.1."""


def _bit_count(position: int) -> int:
    """Bits of a copy token's offset at ``position`` bytes into the chunk (§2.4.1.3.19.1)."""
    return max((position - 1).bit_length(), 4)


def _compress_chunk(data: bytes) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}  # three bytes -> positions in the chunk where they start
    pos, end = 0, len(data)
    while pos < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            best_len = best_off = 0
            if pos + 3 <= end:
                bits = _bit_count(pos)
                max_len = (0xFFFF >> bits) + 3
                limit = min(max_len, end - pos)
                for cand in reversed(heads.get(data[pos : pos + 3], ())):
                    n = 3
                    while n < limit and data[cand + n] == data[pos + n]:
                        n += 1
                    if n > best_len:
                        best_len, best_off = n, pos - cand
                        if n == limit:
                            break
            step = best_len if best_len >= 3 else 1
            if best_len >= 3:
                bits = _bit_count(pos)
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
            else:
                out.append(data[pos])
            for p in range(pos, pos + step):
                if p + 3 <= end:
                    heads.setdefault(data[p : p + 3], []).append(p)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """The compressed container of ``data`` (§2.4.1.3.6)."""
    out = bytearray([SIGNATURE])
    for start in range(0, len(data), CHUNK):
        chunk = data[start : start + CHUNK]
        packed = _compress_chunk(chunk)
        if len(packed) <= CHUNK:  # the 12 bits of size hold up to 4098 bytes, header included
            out += (0xB000 | (len(packed) + 2 - 3)).to_bytes(2, "little") + packed
        elif len(chunk) == CHUNK:  # incompressible: a raw chunk
            out += (0x3000 | (CHUNK + 2 - 3)).to_bytes(2, "little") + chunk
        else:  # a short final chunk larger compressed than the 12 bits of size allow
            raise CompressionError("final chunk cannot be stored")
    return bytes(out)


def decompress(container: bytes) -> bytes:
    """The data of a compressed container (§2.4.1.3.1)."""
    if not container or container[0] != SIGNATURE:
        raise CompressionError("container signature is not 0x01")
    out = bytearray()
    i, n = 1, len(container)
    while i < n:
        if i + 2 > n:
            raise CompressionError("truncated chunk header")
        header = int.from_bytes(container[i : i + 2], "little")
        size = (header & 0x0FFF) + 3  # the chunk, header included
        if (header >> 12) & 0b111 != 0b011:
            raise CompressionError(f"bad chunk signature at byte {i}")
        end = min(i + size, n)
        i += 2
        start = len(out)
        if not header & 0x8000:
            out += container[i : i + CHUNK]
            i += CHUNK
            continue
        while i < end:
            flags = container[i]
            i += 1
            for bit in range(8):
                if i >= end:
                    break
                if flags >> bit & 1:
                    if i + 2 > end:
                        raise CompressionError("truncated copy token")
                    token = int.from_bytes(container[i : i + 2], "little")
                    i += 2
                    bits = _bit_count(len(out) - start)
                    length = (token & (0xFFFF >> bits)) + 3
                    offset = (token >> (16 - bits)) + 1
                    src = len(out) - offset
                    if src < start:
                        raise CompressionError("copy token reaches before its chunk")
                    for k in range(length):
                        out.append(out[src + k])
                else:
                    out.append(container[i])
                    i += 1
    return bytes(out)
