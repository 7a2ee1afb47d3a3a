"""Photos for the demo cases, drawn by the project itself.

No photo is downloaded and no font is used: each scene is drawn with Pillow's
shapes, the same pixels every time for the same scene and seed, so the demo
needs nothing from outside and its pictures can be reproduced. The scenes are
simple but recognisable at a glance, like a phone photo seen as a thumbnail: a
pipe pouring dark water into a river, a bridge with a hole in it, a hospital's
empty shelves.

Shapes are drawn at twice the size and scaled down, which smooths their edges;
a faint grain and blur then take the flatness of a drawing away.
"""

from __future__ import annotations

import io
import math
import random
import zlib
from collections.abc import Callable, Iterator, Sequence

from PIL import Image, ImageDraw, ImageFilter

from minjian.cases.photos import PhotoUpload

WIDTH, HEIGHT = 800, 600
SUPERSAMPLE = 2
JPEG_QUALITY = 88

Color = tuple[int, int, int]
Point = tuple[float, float]


class Canvas:
    """An 800×600 picture whose shapes are drawn at `SUPERSAMPLE` times the size."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.image = Image.new("RGB", (WIDTH * SUPERSAMPLE, HEIGHT * SUPERSAMPLE), (200, 200, 200))
        self.draw = ImageDraw.Draw(self.image)

    @staticmethod
    def _scaled(points: Sequence[Point]) -> list[tuple[float, float]]:
        return [(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in points]

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: Color) -> None:
        self.draw.rectangle(self._scaled([(x0, y0), (x1, y1)]), fill=fill)

    def poly(self, points: Sequence[Point], fill: Color) -> None:
        self.draw.polygon(self._scaled(points), fill=fill)

    def ellipse(self, x0: float, y0: float, x1: float, y1: float, fill: Color) -> None:
        self.draw.ellipse(self._scaled([(x0, y0), (x1, y1)]), fill=fill)

    def ring(self, cx: float, cy: float, r: float, color: Color, width: float) -> None:
        box = self._scaled([(cx - r, cy - r), (cx + r, cy + r)])
        self.draw.ellipse(box, outline=color, width=round(width * SUPERSAMPLE))

    def line(self, points: Sequence[Point], color: Color, width: float) -> None:
        self.draw.line(self._scaled(points), fill=color, width=max(1, round(width * SUPERSAMPLE)))

    def gradient(self, y0: float, y1: float, top: Color, bottom: Color) -> None:
        """Horizontal bands from `top` at y0 to `bottom` at y1, across the whole width."""
        steps = max(1, round((y1 - y0) * SUPERSAMPLE))
        for step in range(steps):
            t = step / steps
            color = mix(top, bottom, t)
            y = y0 * SUPERSAMPLE + step
            self.draw.line([(0, y), (WIDTH * SUPERSAMPLE, y)], fill=color)

    def vary(self, color: Color, amount: int = 12) -> Color:
        """`color` shifted a little, so repeated things do not look stamped."""
        shift = self.rng.randint(-amount, amount)
        return (clamp(color[0] + shift), clamp(color[1] + shift), clamp(color[2] + shift))

    def finish(self) -> Image.Image:
        """The picture as a phone would have taken it: framed a little differently each time."""
        return _grain(_reframe(self.image, self.rng), self.rng).filter(ImageFilter.BoxBlur(0.6))


def clamp(value: float) -> int:
    return max(0, min(255, round(value)))


def mix(a: Color, b: Color, t: float) -> Color:
    return (
        clamp(a[0] + (b[0] - a[0]) * t),
        clamp(a[1] + (b[1] - a[1]) * t),
        clamp(a[2] + (b[2] - a[2]) * t),
    )


def _reframe(image: Image.Image, rng: random.Random) -> Image.Image:
    """A closer or wider view, sometimes from the other side, so two photos of one scene differ.

    Zooming in at most 12% crops at most 64 pixels off the top or bottom and 86 off a
    side, where the scenes have sky, ground or water rather than their subject.
    """
    zoom = rng.uniform(1.0, 1.12)
    full_w, full_h = image.size
    crop_w, crop_h = full_w / zoom, full_h / zoom
    left, top = rng.uniform(0, full_w - crop_w), rng.uniform(0, full_h - crop_h)
    framed = image.resize(
        (WIDTH, HEIGHT), Image.Resampling.BOX, box=(left, top, left + crop_w, top + crop_h)
    )
    return framed.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if rng.random() < 0.5 else framed


def _grain(image: Image.Image, rng: random.Random) -> Image.Image:
    """Blend in soft noise made from the seeded generator (Pillow's own noise is not seeded)."""
    coarse = Image.frombytes("L", (WIDTH // 4, HEIGHT // 4), rng.randbytes(WIDTH * HEIGHT // 16))
    noise = coarse.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC).convert("RGB")
    return Image.blend(image, noise, 0.045)


# Shared pieces of scenery.


def overcast_sky(c: Canvas, horizon: float) -> None:
    c.gradient(0, horizon, (150, 160, 172), (205, 208, 210))


def clear_sky(c: Canvas, horizon: float) -> None:
    c.gradient(0, horizon, (92, 150, 212), (196, 222, 240))
    for _ in range(3):
        x, y = c.rng.uniform(40, 700), c.rng.uniform(30, max(40, horizon - 120))
        for k in range(4):
            c.ellipse(x + k * 28, y - (k % 2) * 12, x + k * 28 + 70, y + 34, (245, 247, 250))


def hills(c: Canvas, base: float, color: Color, height: float) -> None:
    points: list[Point] = [(0, base)]
    for x in range(0, WIDTH + 50, 50):
        points.append((x, base - height * (0.5 + 0.5 * math.sin(x / 130 + c.rng.random()))))
    points.append((WIDTH, base))
    c.poly(points, color)


def water(c: Canvas, y0: float, y1: float, top: Color, bottom: Color) -> None:
    c.gradient(y0, y1, top, bottom)
    for _ in range(90):
        x = c.rng.uniform(0, WIDTH)
        y = c.rng.uniform(y0 + 4, y1)
        length = 10 + (y - y0) / 6
        c.line([(x, y), (x + length, y)], mix(top, (235, 240, 245), 0.35), 1.2)


def reeds(c: Canvas, y0: float, y1: float, count: int) -> None:
    for _ in range(count):
        x = c.rng.uniform(0, WIDTH)
        base = c.rng.uniform(y0 + 20, y1)
        lean = c.rng.uniform(-14, 14)
        c.line([(x, base), (x + lean, base - c.rng.uniform(30, 70))], c.vary((120, 130, 60), 20), 2)


def person(c: Canvas, x: float, feet: float, height: float, shirt: Color) -> None:
    head = height * 0.16
    c.line(
        [(x - height * 0.06, feet), (x - height * 0.04, feet - height * 0.45)],
        (50, 50, 60),
        height * 0.07,
    )
    c.line(
        [(x + height * 0.06, feet), (x + height * 0.04, feet - height * 0.45)],
        (50, 50, 60),
        height * 0.07,
    )
    c.rect(x - height * 0.11, feet - height * 0.8, x + height * 0.11, feet - height * 0.42, shirt)
    c.ellipse(
        x - head / 2, feet - height * 0.8 - head, x + head / 2, feet - height * 0.8, (225, 190, 160)
    )


def window_grid(
    c: Canvas, x0: float, y0: float, x1: float, y1: float, cols: int, rows: int, glass: Color
) -> None:
    cell_w, cell_h = (x1 - x0) / cols, (y1 - y0) / rows
    for col in range(cols):
        for row in range(rows):
            wx, wy = x0 + col * cell_w, y0 + row * cell_h
            c.rect(
                wx + cell_w * 0.2,
                wy + cell_h * 0.2,
                wx + cell_w * 0.8,
                wy + cell_h * 0.8,
                c.vary(glass, 10),
            )


def smoke(c: Canvas, x: float, y: float, color: Color, drift: float, puffs: int) -> None:
    for k in range(puffs):
        r = 14 + k * 7
        px, py = x + k * drift, y - k * 18
        c.ellipse(
            px - r,
            py - r * 0.7,
            px + r,
            py + r * 0.7,
            mix(color, (200, 200, 200), k / (puffs * 1.5)),
        )


def cracks(c: Canvas, x: float, y: float, length: float, color: Color) -> None:
    """A zigzag crack running down and sideways from (x, y), with a branch or two."""
    points: list[Point] = [(x, y)]
    for _ in range(7):
        x += c.rng.uniform(-length / 6, length / 6)
        y += length / 7
        points.append((x, y))
    c.line(points, color, 2.4)
    for start in points[2::3]:
        branch = [start, (start[0] + c.rng.uniform(-30, 30), start[1] + c.rng.uniform(10, 30))]
        c.line(branch, color, 1.5)


def wheelchair_user(c: Canvas, x: float, ground: float, size: float) -> None:
    wheel = size * 0.32
    c.ring(x, ground - wheel, wheel, (40, 40, 45), size * 0.04)
    c.line(
        [(x, ground - wheel), (x + wheel * 0.7, ground - wheel * 0.3)], (90, 90, 95), size * 0.02
    )
    c.ellipse(x + size * 0.42, ground - size * 0.1, x + size * 0.52, ground, (40, 40, 45))
    c.line(
        [(x - wheel * 0.2, ground - wheel * 1.3), (x + size * 0.45, ground - wheel * 1.3)],
        (60, 60, 70),
        size * 0.05,
    )
    c.line(
        [(x - wheel * 0.2, ground - wheel * 1.3), (x - wheel * 0.35, ground - size * 0.95)],
        (60, 60, 70),
        size * 0.05,
    )
    # The person: back against the backrest, legs forward and down.
    c.rect(
        x - wheel * 0.15,
        ground - size * 0.95,
        x + size * 0.12,
        ground - wheel * 1.35,
        (70, 110, 170),
    )
    c.line(
        [(x + size * 0.1, ground - wheel * 1.4), (x + size * 0.42, ground - wheel * 1.4)],
        (60, 60, 80),
        size * 0.09,
    )
    c.line(
        [(x + size * 0.42, ground - wheel * 1.4), (x + size * 0.45, ground - size * 0.12)],
        (60, 60, 80),
        size * 0.08,
    )
    head = size * 0.17
    c.ellipse(
        x - head * 0.2,
        ground - size * 0.95 - head,
        x + head * 0.8,
        ground - size * 0.95,
        (225, 190, 160),
    )


def bicycle(c: Canvas, x: float, y: float, size: float, color: Color, lying: bool) -> None:
    r = size * 0.28
    if lying:
        c.ellipse(x - r, y - r * 0.35, x + r, y + r * 0.35, (30, 30, 30))
        c.ellipse(x + size - r, y - r * 0.35, x + size + r, y + r * 0.35, (30, 30, 30))
        c.line([(x, y), (x + size * 0.5, y - r * 0.4), (x + size, y)], color, size * 0.07)
        return
    c.ring(x, y - r, r, (30, 30, 30), size * 0.04)
    c.ring(x + size, y - r, r, (30, 30, 30), size * 0.04)
    frame = [(x, y - r), (x + size * 0.4, y - r * 2.2), (x + size, y - r), (x + size * 0.45, y - r)]
    c.line([*frame, (x, y - r)], color, size * 0.06)
    c.line([(x + size * 0.85, y - r * 2.5), (x + size, y - r)], color, size * 0.06)
    c.rect(x + size * 0.3, y - r * 2.45, x + size * 0.5, y - r * 2.25, (20, 20, 20))


def striped_barrier(c: Canvas, x: float, ground: float, width: float) -> None:
    c.line([(x + 6, ground), (x + 14, ground - 50)], (80, 80, 80), 4)
    c.line([(x + width - 6, ground), (x + width - 14, ground - 50)], (80, 80, 80), 4)
    stripes = 6
    for k in range(stripes):
        color = (210, 40, 40) if k % 2 == 0 else (245, 245, 245)
        sx = x + k * width / stripes
        c.rect(sx, ground - 58, sx + width / stripes, ground - 42, color)


def cardboard_box(c: Canvas, x: float, y: float, w: float, h: float, red_cross: bool) -> None:
    c.rect(x, y, x + w, y + h, c.vary((176, 134, 86), 10))
    c.rect(x + w * 0.45, y, x + w * 0.55, y + h * 0.3, (200, 170, 120))
    c.line([(x, y + h * 0.08), (x + w, y + h * 0.08)], (140, 100, 60), 1.5)
    if red_cross:
        cx, cy, s = x + w / 2, y + h * 0.6, min(w, h) * 0.16
        c.rect(cx - s, cy - s * 0.33, cx + s, cy + s * 0.33, (210, 35, 35))
        c.rect(cx - s * 0.33, cy - s, cx + s * 0.33, cy + s, (210, 35, 35))


def house(c: Canvas, x: float, ground: float, w: float, h: float, wall: Color, roof: Color) -> None:
    c.rect(x, ground - h, x + w, ground, c.vary(wall, 8))
    c.poly(
        [(x - 10, ground - h), (x + w / 2, ground - h - h * 0.45), (x + w + 10, ground - h)], roof
    )
    c.rect(x + w * 0.15, ground - h * 0.7, x + w * 0.38, ground - h * 0.4, (80, 95, 110))
    c.rect(x + w * 0.6, ground - h * 0.7, x + w * 0.83, ground - h * 0.4, (80, 95, 110))


# The scenes. Each takes a canvas and draws a whole picture on it.


def river_outflow(c: Canvas) -> None:
    """A factory across the river; a pipe on the near bank pours dark water into it."""
    overcast_sky(c, 230)
    factory_x = c.rng.uniform(360, 460)
    c.rect(factory_x, 140, factory_x + 260, 232, (150, 150, 150))
    c.rect(factory_x + 40, 110, factory_x + 150, 232, (135, 138, 140))
    window_grid(c, factory_x + 10, 150, factory_x + 250, 225, 9, 2, (90, 100, 110))
    chimney_x = factory_x + 200
    c.rect(chimney_x, 40, chimney_x + 22, 140, (120, 110, 105))
    smoke(c, chimney_x + 11, 36, (110, 110, 110), 16, 7)
    c.gradient(228, 246, (92, 104, 70), (80, 94, 62))
    water(c, 246, 600, (110, 128, 130), (70, 92, 96))
    pipe_y = c.rng.uniform(400, 440)
    # The outflow: a dark tongue of water that widens downstream, foam along its edge.
    plume = [(215, pipe_y - 8), (330, pipe_y - 40), (560, pipe_y - 55), (800, pipe_y - 70)]
    plume += [(800, pipe_y + 110), (560, pipe_y + 80), (330, pipe_y + 50), (215, pipe_y + 14)]
    c.poly(plume, (52, 44, 34))
    c.poly([(p[0], p[1] + (12 if i < 4 else -12)) for i, p in enumerate(plume)], (38, 32, 26))
    for _ in range(70):
        fx = c.rng.uniform(240, 800)
        edge = (
            pipe_y - 40 - (fx - 240) / 20 if c.rng.random() < 0.5 else pipe_y + 50 + (fx - 240) / 15
        )
        c.ellipse(fx, edge, fx + c.rng.uniform(4, 14), edge + c.rng.uniform(3, 7), (218, 210, 186))
    c.poly([(0, 455), (160, 440), (260, 520), (240, 600), (0, 600)], (110, 92, 68))
    c.rect(60, pipe_y - 22, 205, pipe_y + 22, (160, 160, 155))
    c.ellipse(190, pipe_y - 26, 222, pipe_y + 26, (120, 120, 115))
    c.ellipse(196, pipe_y - 19, 216, pipe_y + 19, (30, 26, 22))
    c.poly(
        [(206, pipe_y - 6), (250, pipe_y + 6), (236, pipe_y + 20), (206, pipe_y + 12)], (45, 38, 30)
    )
    reeds(c, 450, 600, 40)


def dead_fish(c: Canvas) -> None:
    """The river's surface from the bank: scum, foam and fish floating belly up."""
    water(c, 0, 600, (96, 112, 96), (62, 78, 66))
    for _ in range(14):
        x, y = c.rng.uniform(-40, 760), c.rng.uniform(0, 520)
        c.ellipse(x, y, x + c.rng.uniform(60, 160), y + c.rng.uniform(20, 50), (74, 70, 52))
    for _ in range(60):
        x, y = c.rng.uniform(0, 800), c.rng.uniform(0, 560)
        c.ellipse(x, y, x + c.rng.uniform(5, 20), y + c.rng.uniform(3, 9), (214, 210, 190))
    for _ in range(c.rng.randint(6, 9)):
        x, y = c.rng.uniform(40, 680), c.rng.uniform(60, 460)
        length = c.rng.uniform(70, 120)
        flip = c.rng.choice((-1, 1))
        c.ellipse(x, y, x + length, y + length * 0.34, c.vary((222, 224, 214), 8))
        tail_x = x + length if flip > 0 else x
        c.poly(
            [
                (tail_x, y + length * 0.17),
                (tail_x + flip * 30, y),
                (tail_x + flip * 30, y + length * 0.34),
            ],
            (190, 192, 180),
        )
        eye_x = x + length * 0.12 if flip > 0 else x + length * 0.82
        c.ellipse(eye_x, y + 8, eye_x + 8, y + 16, (40, 40, 40))
    c.poly([(0, 520), (300, 540), (800, 510), (800, 600), (0, 600)], (96, 84, 62))
    reeds(c, 520, 600, 30)


def sand_dredging(c: Canvas) -> None:
    """A dredging barge with its conveyor raised; the bank beside it has slid into the river."""
    overcast_sky(c, 245)
    hills(c, 240, (96, 118, 84), 30)
    water(c, 240, 600, (126, 122, 100), (92, 88, 70))
    hull_x = c.rng.uniform(330, 420)
    c.poly(
        [(hull_x, 380), (hull_x + 360, 380), (hull_x + 330, 430), (hull_x + 20, 430)], (60, 62, 66)
    )
    c.poly([(hull_x + 60, 380), (hull_x + 170, 310), (hull_x + 280, 380)], (196, 164, 104))
    c.rect(hull_x + 290, 320, hull_x + 350, 380, (200, 200, 196))
    c.rect(hull_x + 300, 332, hull_x + 340, 352, (70, 90, 110))
    c.line([(hull_x + 40, 382), (hull_x - 70, 250)], (70, 70, 70), 10)
    c.line([(hull_x + 40, 382), (hull_x - 70, 250)], (170, 140, 80), 3)
    c.line([(hull_x + 20, 300), (hull_x - 40, 270)], (80, 80, 80), 3)
    # The collapsed bank on the left: a raw cut and fallen clods in the water.
    c.poly([(0, 330), (140, 320), (230, 420), (250, 600), (0, 600)], (130, 100, 70))
    c.poly([(140, 320), (230, 420), (200, 425), (150, 360)], (100, 76, 52))
    for _ in range(8):
        x, y = c.rng.uniform(200, 320), c.rng.uniform(420, 520)
        c.ellipse(x, y, x + c.rng.uniform(20, 50), y + c.rng.uniform(12, 24), (118, 90, 62))
    c.poly([(0, 330), (140, 320), (140, 314), (0, 318)], (86, 120, 60))
    c.line([(120, 316), (150, 250)], (80, 70, 50), 5)
    c.ellipse(110, 210, 190, 270, (70, 110, 60))


def chemical_smoke(c: Canvas) -> None:
    """An industrial park beyond the fields, its chimneys trailing yellowish smoke."""
    c.gradient(0, 330, (188, 180, 150), (222, 212, 180))
    c.ellipse(560, 80, 610, 130, (236, 228, 196))
    for k in range(5):
        tank_x = 80 + k * 95
        c.rect(tank_x, 250, tank_x + 70, 330, c.vary((196, 198, 196), 8))
        c.ellipse(tank_x, 238, tank_x + 70, 262, (210, 212, 210))
    c.rect(520, 230, 760, 330, (160, 162, 158))
    window_grid(c, 530, 240, 750, 320, 8, 2, (100, 104, 100))
    for chimney_x in (560, 640, 720):
        height = c.rng.uniform(120, 170)
        c.rect(chimney_x, 330 - height - 100, chimney_x + 18, 230, (140, 130, 120))
        smoke(c, chimney_x + 9, 330 - height - 104, (176, 160, 92), 22, 9)
    # Field strips widen towards the viewer: 9² × 3.34 ≈ the 270 pixels below the horizon.
    for row in range(9):
        y0 = 330 + row * row * 3.34
        y1 = 330 + (row + 1) * (row + 1) * 3.34
        color = (112, 140, 70) if row % 2 == 0 else (150, 160, 80)
        c.rect(0, y0, 800, y1, c.vary(color, 6))


def hospital_front(c: Canvas) -> None:
    """A hospital building with a red cross, people queueing at the door."""
    clear_sky(c, 420)
    c.rect(120, 110, 680, 430, (232, 232, 226))
    window_grid(c, 130, 150, 670, 370, 10, 4, (120, 160, 190))
    c.rect(360, 40, 440, 110, (245, 245, 245))
    c.rect(370, 65, 430, 85, (210, 30, 35))
    c.rect(390, 45, 410, 105, (210, 30, 35))
    c.rect(320, 360, 480, 430, (80, 110, 130))
    c.rect(300, 346, 500, 362, (200, 200, 200))
    c.gradient(430, 600, (170, 170, 168), (140, 140, 138))
    for k in range(14):
        x = 500 + k * 24 + c.rng.uniform(-4, 4)
        shirt = c.vary(
            c.rng.choice([(60, 90, 150), (150, 60, 60), (70, 70, 70), (200, 190, 150)]), 15
        )
        person(c, x, 470 + k * 6, 62 + k * 2.4, shirt)
    for tree_x in (40, 730):
        c.rect(tree_x + 18, 330, tree_x + 30, 440, (90, 70, 50))
        c.ellipse(tree_x - 20, 250, tree_x + 70, 350, (70, 120, 60))


def empty_shelves(c: Canvas) -> None:
    """A hospital store room: metal shelving, nearly empty, a few boxes left."""
    c.gradient(0, 420, (214, 216, 210), (196, 198, 192))
    c.gradient(420, 600, (150, 150, 146), (120, 120, 116))
    c.rect(300, 14, 500, 26, (250, 250, 240))
    for unit in range(3):
        x0 = 40 + unit * 250
        for post in (x0, x0 + 220):
            c.rect(post, 60, post + 8, 470, (150, 154, 160))
        for shelf in range(4):
            y = 120 + shelf * 110
            c.rect(x0, y, x0 + 228, y + 8, (170, 174, 180))
            if c.rng.random() < 0.35:
                bx = x0 + c.rng.uniform(10, 150)
                cardboard_box(c, bx, y - 55, 60, 55, red_cross=c.rng.random() < 0.5)
    cardboard_box(c, 600, 500, 120, 70, red_cross=False)
    c.poly([(600, 500), (630, 480), (750, 480), (720, 500)], (190, 150, 100))


def construction_site(c: Canvas) -> None:
    """An unfinished concrete frame, a tower crane, workers in hard hats behind a fence."""
    clear_sky(c, 430)
    frame_x = c.rng.uniform(100, 180)
    for floor in range(6):
        y = 420 - floor * 55
        c.rect(frame_x, y - 6, frame_x + 360, y, (170, 168, 160))
    for col in range(7):
        x = frame_x + col * 59
        c.rect(x, 145, x + 8, 420, (176, 174, 166))
    c.rect(frame_x + 200, 145, frame_x + 360, 320, (60, 120, 80))
    mast_x = frame_x + 450
    for y in range(40, 430, 20):
        c.line([(mast_x, y), (mast_x + 20, y + 20)], (220, 170, 30), 2)
        c.line([(mast_x + 20, y), (mast_x, y + 20)], (220, 170, 30), 2)
    c.line([(mast_x, 40), (mast_x, 430)], (220, 170, 30), 3)
    c.line([(mast_x + 20, 40), (mast_x + 20, 430)], (220, 170, 30), 3)
    c.rect(mast_x - 330, 40, mast_x + 120, 52, (220, 170, 30))
    c.rect(mast_x + 70, 52, mast_x + 120, 80, (90, 90, 90))
    c.line([(mast_x - 200, 52), (mast_x - 200, 210)], (60, 60, 60), 1.5)
    c.rect(mast_x - 212, 210, mast_x - 188, 222, (60, 60, 60))
    c.gradient(420, 600, (176, 150, 112), (150, 126, 92))
    for k in range(9):
        y = 480 + k * 3
        c.line([(80, y), (330, y - 20)], (110, 80, 60), 2)
    for k in range(4):
        x = 420 + k * 70 + c.rng.uniform(-10, 10)
        person(c, x, 520, 80, c.vary((230, 120, 40), 10))
        c.ellipse(x - 9, 520 - 80 * 0.8 - 16, x + 9, 520 - 80 * 0.8 - 4, (240, 200, 30))
    for panel in range(11):
        c.rect(
            panel * 74, 540, panel * 74 + 72, 600, (40, 90, 160) if panel % 2 else (50, 100, 175)
        )


def school_cracks(c: Canvas) -> None:
    """A two-storey village school with cracks down its front wall."""
    clear_sky(c, 430)
    hills(c, 300, (120, 150, 110), 60)
    c.rect(90, 170, 710, 440, (236, 226, 200))
    c.rect(90, 300, 710, 312, (190, 60, 50))
    c.poly([(70, 170), (400, 120), (730, 170)], (150, 70, 60))
    window_grid(c, 100, 180, 700, 300, 8, 1, (110, 150, 180))
    window_grid(c, 100, 312, 700, 430, 8, 1, (110, 150, 180))
    c.rect(370, 350, 430, 440, (120, 80, 60))
    for _ in range(4):
        cracks(
            c,
            c.rng.uniform(130, 670),
            c.rng.uniform(175, 240),
            c.rng.uniform(120, 200),
            (70, 60, 55),
        )
    c.line([(770, 460), (770, 120)], (180, 180, 185), 4)
    c.rect(700, 122, 768, 168, (214, 30, 30))
    c.gradient(440, 600, (190, 110, 90), (170, 96, 78))
    c.rect(0, 520, 800, 600, (90, 140, 80))
    for k in range(5):
        person(c, 160 + k * 90, 500, 46, c.vary((60, 90, 170), 20))


def stairs_no_ramp(c: Canvas) -> None:
    """A building entrance reached only by steps; a wheelchair user waits below them."""
    c.gradient(0, 300, (226, 222, 214), (210, 206, 198))
    c.rect(260, 60, 560, 300, (120, 150, 170))
    c.rect(405, 60, 415, 300, (180, 180, 180))
    c.rect(240, 40, 580, 60, (170, 166, 160))
    c.gradient(300, 600, (172, 170, 164), (136, 134, 128))
    steps = 7
    for step in range(steps):
        y = 300 + step * 26
        inset = (steps - step) * 14
        c.rect(200 - (100 - inset), y, 620 + (100 - inset), y + 26, c.vary((188, 186, 180), 4))
        c.line([(200 - (100 - inset), y), (620 + (100 - inset), y)], (150, 148, 142), 2)
    wheelchair_user(c, c.rng.uniform(90, 150), 528, 150)


def blocked_sidewalk(c: Canvas) -> None:
    """A pavement whose yellow tactile path is covered by dumped bicycles and a stall."""
    clear_sky(c, 260)
    for k in range(5):
        c.rect(300 + k * 100, 170 + (k % 2) * 30, 390 + k * 100, 252, c.vary((170, 176, 186), 10))
    c.rect(0, 90, 300, 330, (200, 190, 176))
    window_grid(c, 0, 100, 300, 320, 4, 3, (90, 110, 130))
    c.poly([(300, 600), (420, 250), (800, 250), (800, 600)], (90, 90, 96))
    c.poly([(0, 330), (300, 330), (420, 250), (300, 600), (0, 600)], (176, 170, 160))
    c.poly([(150, 600), (330, 330), (355, 330), (230, 600)], (236, 196, 40))
    for k in range(16):
        y = 600 - k * 17
        t = k / 16
        x0 = 150 + (330 - 150) * t
        x1 = 230 + (355 - 230) * t
        c.line([(x0, y), (x1, y)], (200, 160, 30), 1.2)
    palette = [(240, 200, 30), (240, 120, 40), (60, 140, 220), (60, 180, 100)]
    for k in range(5):
        bicycle(c, 90 + k * 45, 560 - k * 50, 110 - k * 12, palette[k % 4], lying=k % 2 == 0)
    c.rect(20, 380, 130, 440, (150, 110, 80))
    c.poly([(0, 330), (150, 330), (120, 300), (30, 300)], (210, 60, 60))
    c.line([(75, 330), (75, 380)], (80, 80, 80), 3)


def flooded_street(c: Canvas) -> None:
    """A street under brown water to the windowsills, a small boat, rain."""
    overcast_sky(c, 300)
    c.gradient(260, 330, (96, 110, 92), (80, 94, 78))
    for k in range(4):
        house(c, k * 200 + 10, 440, 170, 220 - k * 12, (222, 218, 206), (90, 90, 96))
    # The water stands halfway up the ground-floor windows.
    water(c, 330, 600, (140, 118, 86), (112, 92, 66))
    c.line([(0, 331), (800, 331)], (170, 150, 116), 2)
    for _ in range(6):
        x, y = c.rng.uniform(0, 760), c.rng.uniform(380, 580)
        c.rect(x, y, x + c.rng.uniform(20, 60), y + 8, c.vary((110, 80, 50), 15))
    boat_x = c.rng.uniform(300, 480)
    c.poly(
        [(boat_x, 470), (boat_x + 180, 470), (boat_x + 150, 500), (boat_x + 20, 500)], (190, 80, 40)
    )
    person(c, boat_x + 70, 472, 70, (240, 120, 40))
    person(c, boat_x + 120, 472, 58, (60, 90, 160))
    for _ in range(220):
        x, y = c.rng.uniform(0, 820), c.rng.uniform(0, 600)
        c.line([(x, y), (x - 6, y + 22)], (200, 205, 210), 0.8)


def cracked_bridge(c: Canvas) -> None:
    """A village slab bridge over a stream, its deck broken through, a barrier in front."""
    clear_sky(c, 260)
    hills(c, 260, (100, 130, 90), 70)
    for k in range(3):
        house(c, 480 + k * 100, 250, 80, 60, (240, 240, 236), (60, 60, 66))
    c.gradient(260, 600, (120, 140, 90), (100, 120, 70))
    c.poly([(0, 430), (800, 410), (800, 520), (0, 540)], (100, 120, 124))
    water(c, 430, 530, (110, 130, 136), (90, 110, 116))
    deck_y = 350
    c.rect(90, deck_y, 710, deck_y + 30, (170, 166, 156))
    c.rect(90, deck_y + 30, 710, deck_y + 44, (130, 126, 118))
    for pier_x in (190, 400, 610):
        c.rect(pier_x, deck_y + 44, pier_x + 40, 500, (150, 146, 136))
    hole_x = c.rng.uniform(260, 340)
    hole = [(hole_x, deck_y - 2), (hole_x + 40, deck_y + 14), (hole_x + 95, deck_y + 2)]
    hole += [(hole_x + 120, deck_y + 44), (hole_x + 25, deck_y + 44), (hole_x - 15, deck_y + 20)]
    c.poly(hole, (40, 40, 38))
    for _ in range(3):
        cracks(c, hole_x + c.rng.uniform(0, 80), deck_y, 40, (80, 76, 70))
    for k in range(6):
        x = hole_x + c.rng.uniform(0, 80)
        c.rect(x, 440 + k * 8, x + 16, 452 + k * 8, (150, 146, 136))
    striped_barrier(c, 40, 420, 110)


def excavator_field(c: Canvas) -> None:
    """Farmland being dug up by an excavator, survey stakes across the crops."""
    clear_sky(c, 250)
    hills(c, 250, (110, 140, 100), 40)
    for row in range(12):
        y0 = 250 + row * row * 2.4
        y1 = 250 + (row + 1) * (row + 1) * 2.4
        c.rect(0, y0, 800, y1, (90, 150, 70) if row % 2 else (110, 170, 80))
    c.poly([(380, 250), (800, 250), (800, 600), (250, 600)], (140, 108, 74))
    for _ in range(14):
        x, y = c.rng.uniform(300, 780), c.rng.uniform(300, 580)
        c.ellipse(x, y, x + c.rng.uniform(20, 60), y + c.rng.uniform(8, 20), (118, 88, 60))
    body_x = c.rng.uniform(470, 540)
    c.rect(body_x - 20, 430, body_x + 200, 470, (50, 50, 50))
    c.ellipse(body_x - 40, 430, body_x, 470, (50, 50, 50))
    c.ellipse(body_x + 180, 430, body_x + 220, 470, (50, 50, 50))
    c.rect(body_x, 370, body_x + 180, 430, (236, 180, 30))
    c.rect(body_x + 110, 320, body_x + 175, 372, (236, 180, 30))
    c.rect(body_x + 120, 330, body_x + 165, 360, (80, 110, 130))
    c.line([(body_x + 20, 380), (body_x - 80, 290)], (226, 170, 26), 16)
    c.line([(body_x - 80, 290), (body_x - 150, 400)], (226, 170, 26), 12)
    c.poly(
        [(body_x - 175, 395), (body_x - 120, 395), (body_x - 130, 440), (body_x - 170, 430)],
        (70, 70, 70),
    )
    for k in range(8):
        x = 40 + k * 40
        c.line([(x, 360 + k * 10), (x, 320 + k * 10)], (200, 200, 200), 3)
        c.rect(x - 3, 318 + k * 10, x + 3, 326 + k * 10, (220, 40, 40))
    c.line([(0, 320), (800, 300)], (120, 120, 120), 1.5)
    for x in range(0, 800, 60):
        c.line([(x, 322 - x / 40), (x, 290 - x / 40)], (110, 100, 90), 3)


def tangled_wires(c: Canvas) -> None:
    """A narrow alley between tall houses, wires tangled overhead, a scorch mark on the wall."""
    c.gradient(0, 600, (200, 204, 210), (150, 150, 150))
    c.poly([(0, 0), (330, 0), (330, 600), (0, 600)], (190, 180, 168))
    c.poly([(470, 0), (800, 0), (800, 600), (470, 600)], (178, 170, 160))
    c.poly([(330, 0), (470, 0), (470, 600), (330, 600)], (220, 226, 232))
    window_grid(c, 20, 40, 310, 460, 3, 5, (90, 100, 110))
    window_grid(c, 490, 40, 780, 460, 3, 5, (90, 100, 110))
    c.gradient(470, 600, (120, 118, 114), (100, 98, 94))
    c.ellipse(60, 250, 200, 390, (70, 62, 56))
    c.ellipse(90, 230, 170, 300, (90, 80, 70))
    c.rect(150, 300, 200, 360, (160, 160, 156))
    for _ in range(26):
        start = (c.rng.uniform(0, 330), c.rng.uniform(60, 300))
        end = (c.rng.uniform(470, 800), c.rng.uniform(60, 300))
        sag = c.rng.uniform(20, 80)
        points = [
            (
                start[0] + (end[0] - start[0]) * t / 10,
                start[1] + (end[1] - start[1]) * t / 10 + sag * math.sin(math.pi * t / 10),
            )
            for t in range(11)
        ]
        c.line(points, (25, 25, 25), c.rng.uniform(1.2, 2.6))


Scene = Callable[[Canvas], None]

SCENES: dict[str, Scene] = {
    "river_outflow": river_outflow,
    "dead_fish": dead_fish,
    "sand_dredging": sand_dredging,
    "chemical_smoke": chemical_smoke,
    "hospital_front": hospital_front,
    "empty_shelves": empty_shelves,
    "construction_site": construction_site,
    "school_cracks": school_cracks,
    "stairs_no_ramp": stairs_no_ramp,
    "blocked_sidewalk": blocked_sidewalk,
    "flooded_street": flooded_street,
    "cracked_bridge": cracked_bridge,
    "excavator_field": excavator_field,
    "tangled_wires": tangled_wires,
}


def draw_scene(scene: str, seed: int) -> Image.Image:
    """The picture of `scene`; the same seed gives the same pixels."""
    canvas = Canvas(random.Random(seed))  # noqa: S311  # drawing pictures, not secrets
    SCENES[scene](canvas)
    return canvas.finish()


def photo_jpeg(scene: str, seed: int) -> bytes:
    """`draw_scene` as the JPEG file a phone would upload (800×600, no metadata)."""
    buffer = io.BytesIO()
    draw_scene(scene, seed).save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def photo_uploads(owner: str, scenes: Sequence[str]) -> Iterator[PhotoUpload]:
    """The photos someone of the demo sends (`owner` names what they come with: a case,
    an addition), as the report form would pass them on: each scene drawn with its own
    seed, so that two photos of one scene differ."""
    for position, scene in enumerate(scenes):
        seed = zlib.crc32(f"{owner}/{position}".encode())
        jpeg = photo_jpeg(scene, seed)
        yield PhotoUpload(
            name=f"{scene}-{position + 1}.jpg", size=len(jpeg), stream=io.BytesIO(jpeg)
        )
