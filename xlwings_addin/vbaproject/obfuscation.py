"""MS-OVBA §2.4.3: the data "encryption" of the PROJECT stream's ``CMG``, ``DPB`` and ``GC``
(protection state, password, visibility) — an obfuscation keyed by the project's ``ID``.

:func:`unprotected` gives the three values of a project that is not locked, has no password
and is visible (§2.3.1.15–17); :func:`decrypt` reads any of them back.
"""

from __future__ import annotations

import random
import struct

VERSION = 2


class ObfuscationError(ValueError):
    """Text that is not data encrypted as §2.4.3 says."""


def project_key(project_id: str) -> int:
    """ProjKey: the sum of the bytes of the ID string ("{…}"), modulo 256."""
    return sum(project_id.encode("ascii")) & 0xFF


def encrypt(project_id: str, data: bytes, rng: random.Random) -> str:
    """``data`` encrypted for the project ``project_id``, as upper-case hex (§2.4.3.2)."""
    seed = rng.randrange(256)
    key = project_key(project_id)
    version_enc, key_enc = seed ^ VERSION, seed ^ key
    out = bytearray([seed, version_enc, key_enc])
    plain1, enc1, enc2 = key, key_enc, version_enc
    ignored = bytes(rng.randrange(256) for _ in range((seed & 6) // 2))
    for byte in ignored + struct.pack("<I", len(data)) + data:
        enc = byte ^ ((enc2 + plain1) & 0xFF)
        out.append(enc)
        enc2, enc1, plain1 = enc1, enc, byte
    return out.hex().upper()


def decrypt(text: str) -> tuple[int, bytes]:
    """(ProjKey, data) of encrypted hex text (§2.4.3.3)."""
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise ObfuscationError("not hexadecimal") from None
    if len(raw) < 7:
        raise ObfuscationError("too short")
    seed, version_enc, key_enc = raw[:3]
    if seed ^ version_enc != VERSION:
        raise ObfuscationError("version is not 2")
    key = seed ^ key_enc
    plain1, enc1, enc2 = key, key_enc, version_enc
    plain = bytearray()
    for enc in raw[3:]:
        byte = enc ^ ((enc2 + plain1) & 0xFF)
        plain.append(byte)
        enc2, enc1, plain1 = enc1, enc, byte
    skip = (seed & 6) // 2
    if len(plain) < skip + 4:
        raise ObfuscationError("too short")
    (length,) = struct.unpack_from("<I", plain, skip)
    data = bytes(plain[skip + 4 :])
    if len(data) != length:
        raise ObfuscationError(f"data length {len(data)} is not {length}")
    return key, data


def unprotected(project_id: str) -> dict[str, str]:
    """``CMG``, ``DPB`` and ``GC`` of an unlocked project without password, visible. The
    obfuscation's random bytes come from the ID, so a build is reproducible."""
    rng = random.Random(project_id)
    return {
        "CMG": encrypt(project_id, b"\0\0\0\0", rng),  # ProjectProtectionState: nothing protected
        "DPB": encrypt(project_id, b"\0", rng),  # ProjectPassword: none
        "GC": encrypt(project_id, b"\xff", rng),  # ProjectVisibilityState: visible
    }
