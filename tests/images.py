"""Small images written byte by byte for the logo tests (Podium has no imaging library): a real PNG any
browser draws, and headers of the other kinds as their formats define them."""

import struct
import zlib


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 3, height: int = 2, *, padding: int = 0) -> bytes:
    """A real RGB PNG, every pixel teal; `padding` bytes of a text chunk make it as large as a test needs."""
    row = b"\x00" + b"\x00\x80\x80" * width
    chunks = [
        png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
        png_chunk(b"IDAT", zlib.compress(row * height)),
    ]
    if padding:
        chunks.insert(1, png_chunk(b"tEXt", b"Comment\x00" + b"x" * padding))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks) + png_chunk(b"IEND", b"")


def gif(width: int = 1, height: int = 1) -> bytes:
    """A one-colour GIF89a."""
    return (
        b"GIF89a"
        + struct.pack("<HH", width, height)
        + b"\x80\x00\x00\x00\x00\x00\xff\xff\xff"
        + b",\x00\x00\x00\x00"
        + struct.pack("<HH", width, height)
        + b"\x00\x02\x02D\x01\x00;"
    )


def jpeg(width: int = 40, height: int = 30) -> bytes:
    """A JPEG's start: SOI, a JFIF APP0 segment, then the baseline frame header with the size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + frame + b"\xff\xd9"


def webp_lossless(width: int = 5, height: int = 7) -> bytes:
    """A WebP whose VP8L chunk declares the size (14 bits each, minus one)."""
    bits = (width - 1) | ((height - 1) << 14)
    payload = b"\x2f" + struct.pack("<I", bits)
    chunk = b"VP8L" + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
