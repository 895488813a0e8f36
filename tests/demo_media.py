"""Draws the demo portal's pictures (content/media/), deterministically, with Pillow: abstract illustrations
made for the demo and placed in the public domain (CC0), credited on the pages that show them.

One of them is a JPEG written as a phone would (camera make, a GPS position, a comment): the build must publish
it without any of that (tests/test_media_pipeline.py). Run `python tests/demo_media.py` to draw them again.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

MEDIA = Path(__file__).resolve().parent.parent / "content" / "media"

#: name -> (seed, palette, size)
PICTURES = {
    "cafe-reparation-mai.jpg": (11, ["#9b2c1f", "#e9b44c", "#1d4f91", "#f6efe6"], (1600, 1000)),
    "stand-ordinateurs.jpg": (12, ["#1d4f91", "#9cc3ff", "#2a2622", "#e9e4da"], (1600, 1067)),
    "merci-benevoles.png": (13, ["#e9b44c", "#9b2c1f", "#fdfcf9", "#1f6b3a"], (1200, 800)),
    "jardin-hiver.jpg": (14, ["#1f6b3a", "#cfe3d1", "#f6efe6", "#555b66"], (1600, 1000)),
    "atelier-velo.jpg": (15, ["#2a2622", "#e9b44c", "#9b2c1f", "#dcd8cf"], (1600, 1000)),
    "ressourcerie.jpg": (16, ["#8a4b00", "#f5c36b", "#1d1f23", "#f6efe6"], (1600, 1000)),
    "jardin-des-pentes.jpg": (17, ["#1f6b3a", "#7fd89a", "#fdfcf9", "#8a4b00"], (1600, 1000)),
    "portrait-nadia.jpg": (18, ["#a3161a", "#ff9c85", "#f6efe6", "#1d1f23"], (900, 900)),
    "festival-2027.jpg": (19, ["#9b2c1f", "#e9b44c", "#1d4f91", "#7fd89a"], (1600, 900)),
    "cafe-reparation.jpg": (20, ["#1d4f91", "#e9b44c", "#f6efe6", "#9b2c1f"], (1600, 1000)),
    "logo.png": (21, ["#9b2c1f", "#fdfcf9"], (512, 512)),
}
#: The picture "taken with a phone": it carries what a phone writes, for the pipeline to remove.
FROM_A_PHONE = "cafe-reparation-mai.jpg"


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def draw(seed: int, palette: list[str], size: tuple[int, int]) -> Image.Image:
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size, _rgb(palette[-1]))
    draw = ImageDraw.Draw(image, "RGBA")
    for _ in range(14):
        colour = _rgb(rng.choice(palette[:-1]))
        x, y = rng.randrange(-width // 4, width), rng.randrange(-height // 4, height)
        r = rng.randrange(width // 10, width // 3)
        kind = rng.random()
        if kind < 0.5:
            draw.ellipse((x, y, x + r, y + r), fill=(*colour, rng.randrange(90, 200)))
        elif kind < 0.8:
            draw.rectangle((x, y, x + r, y + r // 2), fill=(*colour, rng.randrange(90, 200)))
        else:
            draw.line((x, y, x + r * 2, y + r), fill=(*colour, 220), width=rng.randrange(10, 40))
    return image.filter(ImageFilter.GaussianBlur(2))


def draw_logo(palette: list[str], size: tuple[int, int]) -> Image.Image:
    image = Image.new("RGB", size, _rgb(palette[0]))
    d = ImageDraw.Draw(image)
    w, h = size
    d.ellipse((w * 0.18, h * 0.18, w * 0.82, h * 0.82), outline=_rgb(palette[1]), width=w // 14)
    d.rectangle((w * 0.46, h * 0.1, w * 0.54, h * 0.9), fill=_rgb(palette[1]))
    return image


def encode(name: str, image: Image.Image) -> bytes:
    out = io.BytesIO()
    if name.endswith(".png"):
        image.save(out, "PNG", optimize=True)
    elif name == FROM_A_PHONE:
        exif = Image.Exif()
        exif[0x010F] = "DemoPhone"  # Make
        exif[0x0110] = "Model 7"  # Model
        gps = exif.get_ifd(0x8825)
        gps.update({1: "N", 2: (45.0, 46.0, 12.0), 3: "E", 4: (4.0, 49.0, 55.0)})  # the Croix-Rousse, Lyon
        image.save(out, "JPEG", quality=85, exif=exif, comment=b"IMG_2041 La Fabrique")
    else:
        image.save(out, "JPEG", quality=85)
    return out.getvalue()


def main() -> None:
    MEDIA.mkdir(parents=True, exist_ok=True)
    for name, (seed, palette, size) in PICTURES.items():
        image = draw_logo(palette, size) if name == "logo.png" else draw(seed, palette, size)
        (MEDIA / name).write_bytes(encode(name, image))


if __name__ == "__main__":
    main()
