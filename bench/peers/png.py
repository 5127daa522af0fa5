"""A bar chart as a PNG file without a plotting library: an RGB canvas, a 5x7 bitmap font, and a
PNG encoder (zlib + struct), so the benchmark needs nothing beyond the standard library.
"""
import math
import struct
import zlib

# 5x7 glyphs, one int per row (top first), bit 4 = leftmost pixel; the HD44780 LCD font's shapes,
# with g j p q y given an eighth row so that their tails hang below the line.
# Upper case is drawn as lower case: the chart's text is kernel names, numbers and a few words.
FONT = {
    "0": (14, 17, 19, 21, 25, 17, 14), "1": (4, 12, 4, 4, 4, 4, 14), "2": (14, 17, 1, 2, 4, 8, 31),
    "3": (31, 2, 4, 2, 1, 17, 14), "4": (2, 6, 10, 18, 31, 2, 2), "5": (31, 16, 30, 1, 1, 17, 14),
    "6": (6, 8, 16, 30, 17, 17, 14), "7": (31, 1, 2, 4, 8, 8, 8), "8": (14, 17, 17, 14, 17, 17, 14),
    "9": (14, 17, 17, 15, 1, 2, 12),
    "a": (0, 0, 14, 1, 15, 17, 15), "b": (16, 16, 22, 25, 17, 17, 30), "c": (0, 0, 14, 16, 16, 17, 14),
    "d": (1, 1, 13, 19, 17, 17, 15), "e": (0, 0, 14, 17, 31, 16, 14), "f": (6, 9, 8, 28, 8, 8, 8),
    "g": (0, 0, 15, 17, 17, 15, 1, 14), "h": (16, 16, 22, 25, 17, 17, 17), "i": (4, 0, 12, 4, 4, 4, 14),
    "j": (2, 0, 6, 2, 2, 2, 18, 12), "k": (16, 16, 18, 20, 24, 20, 18), "l": (12, 4, 4, 4, 4, 4, 14),
    "m": (0, 0, 26, 21, 21, 17, 17), "n": (0, 0, 22, 25, 17, 17, 17), "o": (0, 0, 14, 17, 17, 17, 14),
    "p": (0, 0, 30, 17, 17, 30, 16, 16), "q": (0, 0, 13, 19, 17, 15, 1, 1), "r": (0, 0, 22, 25, 16, 16, 16),
    "s": (0, 0, 14, 16, 14, 1, 30), "t": (8, 8, 28, 8, 8, 9, 6), "u": (0, 0, 17, 17, 17, 19, 13),
    "v": (0, 0, 17, 17, 17, 10, 4), "w": (0, 0, 17, 17, 21, 21, 10), "x": (0, 0, 17, 10, 4, 10, 17),
    "y": (0, 0, 17, 17, 17, 15, 1, 14), "z": (0, 0, 31, 2, 4, 8, 31),
    "(": (2, 4, 8, 8, 8, 4, 2), ")": (8, 4, 2, 2, 2, 4, 8), "-": (0, 0, 0, 31, 0, 0, 0),
    ".": (0, 0, 0, 0, 0, 12, 12), ":": (0, 12, 12, 0, 12, 12, 0), "/": (0, 1, 2, 4, 8, 16, 0),
    ",": (0, 0, 0, 0, 12, 4, 8), "=": (0, 0, 31, 0, 31, 0, 0), "+": (0, 4, 4, 31, 4, 4, 0),
    "_": (0, 0, 0, 0, 0, 0, 31), ";": (0, 12, 12, 0, 12, 4, 8), " ": (0,) * 7,
}
CELL = 6  # glyph advance in pixels at scale 1


class Canvas:
    def __init__(self, width, height, bg=(255, 255, 255)):
        self.w, self.h = width, height
        self.px = bytearray(bytes(bg) * (width * height))

    def rect(self, x0, y0, x1, y1, color):
        """Fills [x0, x1) x [y0, y1), clipped to the canvas."""
        x0, x1 = max(0, int(round(x0))), min(self.w, int(round(x1)))
        y0, y1 = max(0, int(round(y0))), min(self.h, int(round(y1)))
        if x1 <= x0:
            return
        row = bytes(color) * (x1 - x0)
        for y in range(y0, y1):
            i = 3 * (y * self.w + x0)
            self.px[i:i + len(row)] = row

    def text(self, x, y, s, color=(0, 0, 0), scale=1):
        """Draws s with its top-left corner at (x, y); unknown characters become spaces."""
        for k, ch in enumerate(s.lower()):
            rows = FONT.get(ch, FONT[" "])
            for r, bits in enumerate(rows):
                for c in range(5):
                    if bits & (16 >> c):
                        px = x + (k * CELL + c) * scale
                        self.rect(px, y + r * scale, px + scale, y + (r + 1) * scale, color)

    def save(self, path):
        raw = b"".join(b"\x00" + bytes(self.px[3 * y * self.w:3 * (y + 1) * self.w]) for y in range(self.h))

        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        with open(path, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n")
            f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0)))  # 8-bit RGB
            f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
            f.write(chunk(b"IEND", b""))


def text_width(s, scale=1):
    return len(s) * CELL * scale


def hexcolor(h):
    return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))


def bar_chart(path, title, groups, series, colors, xlabel):
    """Grouped horizontal bars on a log axis.

    groups: [(label, {series: value or None})]; series: the bar order in each group;
    colors: {series: "#rrggbb"}. Values are ratios (1 = the base); missing ones draw no bar.
    """
    vals = [v for _, d in groups for s in series for v in [d.get(s)] if v]
    lo = 10 ** math.floor(math.log10(min(vals + [1.0])))
    hi = 10 ** math.ceil(math.log10(max(vals + [10.0])))
    bar, gap = 4, 8
    left = max([text_width(g) for g, _ in groups] + [60]) + 16
    plot_w, right = 760, 30
    legend_rows = math.ceil(len(series) / 3)
    top = 34 + 14 * legend_rows + 10
    height = top + len(groups) * (len(series) * bar + gap) + 44
    width = left + plot_w + right
    cv = Canvas(width, height)
    cv.text(left, 8, title, scale=2)
    for i, s in enumerate(series):  # legend, three entries a row
        lx, ly = left + (i % 3) * 240, 34 + 14 * (i // 3)
        cv.rect(lx, ly, lx + 10, ly + 8, hexcolor(colors[s]))
        cv.text(lx + 14, ly, s)

    def x(v):
        return left + plot_w * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    y_end = height - 40
    for e in range(round(math.log10(lo)), round(math.log10(hi))):  # minor ticks 2..9 in light grey
        for m in range(2, 10):
            cv.rect(x(m * 10.0 ** e), top - 4, x(m * 10.0 ** e) + 1, y_end, (238, 238, 238))
    for e in range(round(math.log10(lo)), round(math.log10(hi)) + 1):  # decades; 1x in black
        xx = x(10.0 ** e)
        cv.rect(xx, top - 6, xx + 1, y_end + 4, (0, 0, 0) if e == 0 else (190, 190, 190))
        label = f"{10.0 ** e:g}x"
        cv.text(xx - text_width(label) / 2, y_end + 8, label)
    for k, (label, d) in enumerate(groups):
        y0 = top + k * (len(series) * bar + gap)
        cv.text(left - 8 - text_width(label), y0 + (len(series) * bar - 7) // 2, label)
        for i, s in enumerate(series):
            v = d.get(s)
            if not v:
                continue
            x0, x1 = sorted((x(1.0), x(v)))
            cv.rect(x0, y0 + i * bar, max(x1, x0 + 1), y0 + (i + 1) * bar - 1, hexcolor(colors[s]))
    cv.text(left + (plot_w - text_width(xlabel)) / 2, height - 16, xlabel)
    cv.save(path)
