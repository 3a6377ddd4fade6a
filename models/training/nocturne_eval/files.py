"""Tiny pure-Python writers: 8/16-bit RGB PNG (zlib) and a minimal uncompressed Bayer DNG.

The DNG carries what LibRaw needs to decode and render it: 16-bit CFA strip, DNGVersion,
CFARepeatPatternDim/CFAPattern, BlackLevel/WhiteLevel, ColorMatrix1 (XYZ -> camera, D65) and
AsShotNeutral, plus Make/Model and EXIF-style ExposureTime/ISO in IFD0.
"""
import struct
import zlib
from fractions import Fraction
from typing import List, Sequence, Tuple

import numpy as np


def write_png(path: str, rgb: np.ndarray, bits: int) -> None:
    """rgb: H x W x 3 float in [0, 1] (rounded to `bits` = 8 or 16) or an integer array."""
    if bits not in (8, 16):
        raise ValueError("PNG depth must be 8 or 16")
    top = 255 if bits == 8 else 65535
    a = rgb if np.issubdtype(rgb.dtype, np.integer) else np.round(np.clip(rgb, 0, 1) * top)
    a = a.astype(">u2" if bits == 16 else "u1")
    h, w = a.shape[:2]
    raw = b"".join(b"\x00" + a[y].tobytes() for y in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", w, h, bits, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def read_png16(path: str) -> np.ndarray:
    """Reads back what write_png wrote (non-interlaced RGB, filter 0 only): H x W x 3 uint."""
    with open(path, "rb") as f:
        data = f.read()
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n = struct.unpack(">I", data[pos:pos + 4])[0]
        tag, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if tag == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif tag == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, bits = ihdr[0], ihdr[1], ihdr[2]
    dt = ">u2" if bits == 16 else "u1"
    row = w * 3 * (bits // 8)
    raw = zlib.decompress(idat)
    rows = [np.frombuffer(raw[y * (row + 1) + 1:(y + 1) * (row + 1)], dtype=dt)
            for y in range(h)]
    return np.stack(rows).reshape(h, w, 3).astype(np.uint16 if bits == 16 else np.uint8)


# TIFF field types
_BYTE, _ASCII, _SHORT, _LONG, _RATIONAL, _SRATIONAL = 1, 2, 3, 4, 5, 10
_SIZES = {_BYTE: 1, _ASCII: 1, _SHORT: 2, _LONG: 4, _RATIONAL: 8, _SRATIONAL: 8}


def _rational(v: float, signed: bool) -> Tuple[int, int]:
    f = Fraction(v).limit_denominator(1_000_000)
    num, den = f.numerator, f.denominator
    if not signed and num < 0:
        raise ValueError("negative unsigned rational")
    return num, den


def _pack(kind: int, values) -> bytes:
    if kind == _ASCII:
        return values.encode("ascii") + b"\x00"
    if kind == _BYTE:
        return bytes(values)
    if kind == _SHORT:
        return struct.pack(f"<{len(values)}H", *values)
    if kind == _LONG:
        return struct.pack(f"<{len(values)}I", *values)
    out = b""
    for v in values:
        n, d = _rational(v, kind == _SRATIONAL)
        out += struct.pack("<ii" if kind == _SRATIONAL else "<II", n, d)
    return out


def write_dng(path: str, mosaic_dn: np.ndarray, cfa: str, black: int, white: int,
              xyz_to_cam: Sequence[Sequence[float]], as_shot_neutral: Sequence[float],
              exposure_time: float = 1.0 / 30.0, iso: int = 3200,
              make: str = "Nocturne", model: str = "Synthetic Test Camera") -> None:
    """mosaic_dn: H x W integer DN (uint16). cfa: 'RGGB', 'GRBG', 'GBRG' or 'BGGR'."""
    h, w = mosaic_dn.shape
    pixels = np.ascontiguousarray(mosaic_dn.astype("<u2")).tobytes()
    colour = {"R": 0, "G": 1, "B": 2}
    entries: List[Tuple[int, int, object]] = [
        (254, _LONG, [0]),                       # NewSubFileType: main image
        (256, _LONG, [w]), (257, _LONG, [h]),
        (258, _SHORT, [16]), (259, _SHORT, [1]),  # BitsPerSample, Compression none
        (262, _SHORT, [32803]),                  # PhotometricInterpretation: CFA
        (271, _ASCII, make), (272, _ASCII, model),
        (273, _LONG, [0]),                       # StripOffsets, patched below
        (274, _SHORT, [1]),                      # Orientation
        (277, _SHORT, [1]), (278, _LONG, [h]),   # SamplesPerPixel, RowsPerStrip
        (279, _LONG, [len(pixels)]),             # StripByteCounts
        (284, _SHORT, [1]),                      # PlanarConfiguration
        (33421, _SHORT, [2, 2]),                 # CFARepeatPatternDim
        (33422, _BYTE, [colour[c] for c in cfa.upper()]),
        (33434, _RATIONAL, [exposure_time]),     # ExposureTime
        (34855, _SHORT, [iso]),                  # ISOSpeedRatings
        (50706, _BYTE, [1, 4, 0, 0]),            # DNGVersion
        (50707, _BYTE, [1, 1, 0, 0]),            # DNGBackwardVersion
        (50708, _ASCII, f"{make} {model}"),      # UniqueCameraModel
        (50713, _SHORT, [1, 1]),                 # BlackLevelRepeatDim
        (50714, _LONG, [int(black)]),            # BlackLevel
        (50717, _LONG, [int(white)]),            # WhiteLevel
        (50721, _SRATIONAL, [float(v) for row in xyz_to_cam for v in row]),  # ColorMatrix1
        (50728, _RATIONAL, [float(v) for v in as_shot_neutral]),            # AsShotNeutral
        (50778, _SHORT, [21]),                   # CalibrationIlluminant1: D65
    ]
    entries.sort(key=lambda e: e[0])
    n = len(entries)
    ifd_offset = 8
    data_offset = ifd_offset + 2 + 12 * n + 4
    blobs, records = b"", []
    for tag, kind, values in entries:
        body = _pack(kind, values)
        count = len(body) // _SIZES[kind]
        if len(body) <= 4:
            records.append((tag, kind, count, body.ljust(4, b"\x00"), None))
        else:
            off = data_offset + len(blobs)
            blobs += body + (b"\x00" if len(body) % 2 else b"")
            records.append((tag, kind, count, struct.pack("<I", off), off))
    pixel_offset = data_offset + len(blobs)
    pixel_offset += pixel_offset % 2
    out = bytearray(b"II*\x00" + struct.pack("<I", ifd_offset) + struct.pack("<H", n))
    for tag, kind, count, value, _ in records:
        if tag == 273:
            value = struct.pack("<I", pixel_offset)
        out += struct.pack("<HHI", tag, kind, count) + value
    out += struct.pack("<I", 0) + blobs
    out += b"\x00" * (pixel_offset - len(out))
    out += pixels
    with open(path, "wb") as f:
        f.write(out)
