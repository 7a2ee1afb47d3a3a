"""A photo's metadata removed without decoding it: only the blocks needed to decode are kept.

An upload is stored (under `incoming/`, until a job prepares it) with nothing but what a
decoder needs to draw its pixels. For JPEG and PNG this is done by copying the file's own
blocks through a whitelist, which reads the bytes once and decodes nothing: far cheaper
than decoding and re-encoding, and as safe, because what is kept is a closed list of
blocks that carry pixels or the tables to decode them, never a list of blocks to remove.

Kept from a JPEG: SOI, DQT, DHT, DAC, DRI, DNL, the frame header (SOFn), each scan (SOS
and its entropy-coded data) and EOI, plus the Adobe APP14 block, which says whether the
three or four channels are YCbCr, RGB, CMYK or YCCK (without it a CMYK photo decodes to
wrong colours). Everything else goes: APP0 (JFIF, which may hold a thumbnail), APP1 (EXIF
with GPS, camera serial numbers and a thumbnail; XMP), APP2 (ICC profile, FlashPix, the
second picture of an MPO), APP13 (IPTC), every other APPn, COM, and whatever follows the
first image's EOI. The ICC profile is dropped too: decoding ignores it (the pixels are the
same with it or without it) and the published photo is re-encoded without one anyway, so
keeping it would change no colour a reader sees, while a profile can name the device.

Kept from a PNG: IHDR, PLTE, tRNS, IDAT and IEND; text (tEXt, zTXt, iTXt), eXIf, tIME,
colour hints (gAMA, cHRM, sRGB, iCCP), animation frames and unknown chunks go.

The one thing of the EXIF a photo needs is its orientation (a phone stores a portrait as
a landscape picture that says "turn me"). It is read from the original and written back
as a new EXIF block that holds only that tag, so that the job preparing the photo turns
it upright; nothing else of the original EXIF survives.

A file whose structure is not what it claims raises `NotStrippable`; the caller refuses
the photo.
"""

from __future__ import annotations

import struct
import zlib

ORIENTATION_TAG = 0x0112
UPRIGHT = 1

JPEG_START = b"\xff\xd8"
JPEG_END = b"\xff\xd9"
_SOS = 0xDA
_EOI = 0xD9
_APP14 = 0xEE
# Frame headers (SOF0-3, 5-7, 9-11, 13-15: C4, C8 and CC are DHT, JPG and DAC), and the
# tables and markers a decoder reads: DHT, DAC, DQT, DRI, DNL.
_FRAMES = frozenset(
    {*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), *range(0xCD, 0xD0)}
)
_TABLES = frozenset({0xC4, 0xCC, 0xDB, 0xDD, 0xDC})
# Inside entropy-coded data, FF is followed by 00 (a stuffed byte) or a restart marker.
_IN_SCAN = frozenset({0x00, *range(0xD0, 0xD8)})

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEPT = frozenset({b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"})


class NotStrippable(ValueError):
    """The file is not the JPEG or PNG it claims to be, or is cut short."""


def strip_jpeg(data: bytes) -> bytes:
    """The JPEG's decoding blocks alone, with its orientation as the only EXIF tag."""
    if not data.startswith(JPEG_START):
        raise NotStrippable("no JPEG start of image")
    kept = [JPEG_START]
    orientation = UPRIGHT
    frames = scans = 0
    position = len(JPEG_START)
    end = len(data)
    while True:
        if position >= end or data[position] != 0xFF:
            raise NotStrippable(f"no marker at byte {position}")
        # Any number of FF fill bytes may come before a marker.
        while position < end and data[position] == 0xFF:
            position += 1
        if position >= end:
            raise NotStrippable("cut short before a marker")
        marker = data[position]
        position += 1
        if marker == _EOI:
            break
        if position + 2 > end:
            raise NotStrippable("cut short in a block's length")
        (length,) = struct.unpack_from(">H", data, position)
        if length < 2 or position + length > end:
            raise NotStrippable(f"block {marker:02X} runs past the end")
        block = data[position - 2 : position + length]
        body = data[position + 2 : position + length]
        position += length
        if marker in _FRAMES:
            frames += 1
            kept.append(block)
        elif marker in _TABLES or (marker == _APP14 and body.startswith(b"Adobe")):
            kept.append(block)
        elif marker == 0xE1 and body.startswith(b"Exif\x00\x00") and orientation == UPRIGHT:
            orientation = tiff_orientation(body[6:])
        elif marker == _SOS:
            if not frames:
                raise NotStrippable("a scan before the frame header")
            scans += 1
            scan_end = _entropy_coded_end(data, position)
            kept.append(block + data[position:scan_end])
            position = scan_end
            if position >= end:
                # The data stops right after a scan: a decoder supplies the missing EOI.
                break
        # Anything else (APPn, COM, JPG extensions, hierarchical markers) is dropped.
    if frames != 1 or not scans:
        raise NotStrippable("not one frame with scans")
    kept.append(JPEG_END)
    if orientation != UPRIGHT:
        kept.insert(1, _jpeg_orientation_block(orientation))
    return b"".join(kept)


def _entropy_coded_end(data: bytes, position: int) -> int:
    """Where the entropy-coded data that starts at `position` ends: at the next marker."""
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            return len(data)
        if data[position + 1] in _IN_SCAN:
            position += 2
        else:
            return position


def strip_png(data: bytes) -> bytes:
    """The PNG's image chunks alone, with its orientation as the only EXIF tag."""
    if not data.startswith(PNG_SIGNATURE):
        raise NotStrippable("no PNG signature")
    kept = [PNG_SIGNATURE]
    orientation = UPRIGHT
    position = len(PNG_SIGNATURE)
    kinds: list[bytes] = []
    while True:
        if position + 12 > len(data):
            raise NotStrippable("cut short in a chunk header")
        (length,) = struct.unpack_from(">I", data, position)
        kind = data[position + 4 : position + 8]
        chunk_end = position + 12 + length
        if chunk_end > len(data):
            raise NotStrippable(f"chunk {kind!r} runs past the end")
        if kind in _PNG_KEPT:
            kinds.append(kind)
            kept.append(data[position:chunk_end])
        elif kind == b"eXIf" and orientation == UPRIGHT:
            orientation = tiff_orientation(data[position + 8 : chunk_end - 4])
        position = chunk_end
        if kind == b"IEND":
            break
    if not kinds or kinds[0] != b"IHDR" or b"IDAT" not in kinds:
        raise NotStrippable("no header or no image data")
    if orientation != UPRIGHT:
        # eXIf must come before the first IDAT; right after IHDR it does.
        kept.insert(2, _png_chunk(b"eXIf", _tiff_with_orientation(orientation)))
    return b"".join(kept)


def tiff_orientation(tiff: bytes) -> int:
    """The orientation tag (1-8) of the first directory of an EXIF (TIFF) block; 1 when
    it has none or the block is malformed (a broken EXIF must not refuse a photo)."""
    if tiff[:4] == b"II*\x00":
        order = "<"
    elif tiff[:4] == b"MM\x00*":
        order = ">"
    else:
        return UPRIGHT
    try:
        (directory,) = struct.unpack_from(order + "I", tiff, 4)
        (count,) = struct.unpack_from(order + "H", tiff, directory)
        for index in range(count):
            tag, kind, _, value = struct.unpack_from(
                order + "HHIH", tiff, directory + 2 + 12 * index
            )
            if tag == ORIENTATION_TAG:
                return value if kind == 3 and 1 <= value <= 8 else UPRIGHT
    except struct.error:
        return UPRIGHT
    return UPRIGHT


def _tiff_with_orientation(orientation: int) -> bytes:
    # Big-endian TIFF, one directory at offset 8 with one SHORT entry, no next directory.
    return b"MM\x00*" + struct.pack(">IHHHIHHI", 8, 1, ORIENTATION_TAG, 3, 1, orientation, 0, 0)


def _jpeg_orientation_block(orientation: int) -> bytes:
    body = b"Exif\x00\x00" + _tiff_with_orientation(orientation)
    return struct.pack(">BBH", 0xFF, 0xE1, len(body) + 2) + body


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
