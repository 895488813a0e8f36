"""The image pipeline on real builds: published pictures carry no metadata, come in widths and formats, are
reproducible and cached; media wait for the items that use them; bad pictures are named, never a crash."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from agorapress.build.pipeline import build
from agorapress.images import ImageRejected, facts, renditions
from agorapress.problems import AgoraError

NOW = datetime.fromisoformat("2026-06-01T12:00:00+02:00")


def gps_jpeg(size=(1400, 900), orientation: int | None = None) -> bytes:
    """A JPEG as a phone writes it: camera make, a GPS position, a comment, an XMP packet, maybe a rotation."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (45.0, 45.0, 30.0), 3: "E", 4: (4.0, 50.0, 10.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"shot at home", xmp=b"<x:xmpmeta>secret</x:xmpmeta>")
    return out.getvalue()


def article(name: str, image: str, date: str = "2026-05-01", extra: str = "") -> str:
    return f"""\
        ---
        title: {name}
        date: {date}
        authors: [ana]
        image: {image}
        image_alt: A gradient, grey to white.
        {extra}
        ---
        Body of {name}.
        """


def test_published_pictures_carry_no_metadata_and_come_in_widths(portal):
    root = portal({
        "content/media/phone.jpg": gps_jpeg(orientation=6),
        "content/articles/walk.md": article("Walk", "media/phone.jpg"),
    })
    out = build(root, now=NOW).output
    published = sorted(p.relative_to(out).as_posix() for p in (out / "media").rglob("*") if p.is_file())
    assert "media/phone.jpg" in published
    assert any(p.endswith("-480.webp") for p in published)
    for rel in published:
        data = (out / rel).read_bytes()
        assert b"PhoneMaker" not in data and b"shot at home" not in data and b"secret" not in data, rel
        with Image.open(out / rel) as image:
            assert not image.getexif(), rel
            assert "xmp" not in image.info and "comment" not in image.info and "icc_profile" not in image.info
    with Image.open(out / "media/phone.jpg") as image:
        assert image.size == (900, 1400)  # orientation 6: turned upright before the tag was dropped
    page = (out / "articles/walk/index.html").read_text()
    assert 'srcset="' in page and 'width="900"' in page and 'height="1400"' in page
    assert 'fetchpriority="high"' in page


def test_rebuild_is_byte_identical_and_reencodes_nothing(portal, tmp_path, monkeypatch):
    root = portal({
        "content/media/phone.jpg": gps_jpeg(),
        "content/articles/walk.md": article("Walk", "media/phone.jpg"),
    })
    first = build(root, tmp_path / "one", now=NOW).output
    files = {p.relative_to(first): p.read_bytes() for p in (first / "media").rglob("*") if p.is_file()}

    def refuse(*args, **kwargs):
        raise AssertionError("a cached picture was encoded again")

    monkeypatch.setattr("agorapress.outputs.media.renditions", refuse)
    second = build(root, tmp_path / "two", now=NOW).output
    again = {p.relative_to(second): p.read_bytes() for p in (second / "media").rglob("*") if p.is_file()}
    assert files == again


def test_encoding_is_reproducible_without_cache():
    data = gps_jpeg()
    assert renditions(data, (480, 1400), ("WEBP", "JPEG")) == renditions(data, (480, 1400), ("WEBP", "JPEG"))


def test_webp_gets_full_effort_only_when_browsers_fetch_it_first():
    # Behind AVIF, WebP is what a browser without AVIF fetches: encoded for speed. Without AVIF it is what every
    # browser fetches, encoded with full effort: never larger, and another encoding.
    photo = Image.effect_mandelbrot((900, 600), (-2.0, -1.0, 1.0, 1.0), 100).convert("RGB")
    photo = Image.merge("RGB", (photo.getchannel(0), photo.rotate(90, expand=False).getchannel(0),
                                Image.linear_gradient("L").resize(photo.size)))
    out = io.BytesIO()
    photo.save(out, "PNG")
    alone = renditions(out.getvalue(), (900,), ("WEBP", "PNG"))[(900, "WEBP")]
    behind = renditions(out.getvalue(), (900,), ("AVIF", "WEBP", "PNG"))[(900, "WEBP")]
    assert alone != behind and len(alone) <= len(behind)
    assert Image.open(io.BytesIO(behind)).size == Image.open(io.BytesIO(alone)).size == (900, 600)


def test_scheduled_and_unused_media_are_not_published(portal):
    root = portal({
        "content/media/now.jpg": gps_jpeg(),
        "content/media/later.jpg": gps_jpeg(),
        "content/media/draft.jpg": gps_jpeg(),
        "content/media/nobody.jpg": gps_jpeg(),
        "content/articles/now.md": article("Now", "media/now.jpg"),
        "content/articles/later.md": article("Later", "media/later.jpg", date="2026-09-01"),
        "content/articles/draft.md": article("Draft", "media/draft.jpg", extra="status: draft"),
    })
    out = build(root, now=NOW).output
    names = {p.name for p in (out / "media").rglob("*")}
    assert "now.jpg" in names
    assert not any(n.startswith(("later", "draft", "nobody")) for n in names), names
    after = build(root, root / "after", now=datetime.fromisoformat("2026-09-02T12:00:00+02:00")).output
    assert (after / "media/later.jpg").is_file()
    assert not (after / "media/nobody.jpg").exists()


@pytest.mark.parametrize("damage", ["truncated", "bomb", "mislabelled"])
def test_bad_pictures_are_named_never_a_crash(portal, damage):
    data = gps_jpeg()
    name = "photo.jpg"
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "bomb":
        image = Image.new("1", (12000, 12000))
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        data, name = buffer.getvalue(), "photo.png"
    else:
        buffer = io.BytesIO()
        Image.new("RGB", (40, 40)).save(buffer, "PNG")
        data = buffer.getvalue()
    root = portal({f"content/media/{name}": data, "content/articles/a.md": article("A", f"media/{name}")})
    with pytest.raises(AgoraError) as caught:
        build(root, now=NOW)
    text = "\n".join(p.as_text() for p in caught.value.problems.items)
    assert f"content/media/{name}" in text
    assert "Traceback" not in text


def test_facts_refuse_what_is_not_a_picture():
    with pytest.raises(ImageRejected):
        facts(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(ImageRejected):
        facts(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    assert facts(gps_jpeg()).located



def _png_chunks(data: bytes) -> list[bytes]:
    chunks, offset = [], 8
    while offset < len(data):
        length = int.from_bytes(data[offset:offset + 4], "big")
        chunks.append(data[offset:offset + 12 + length])
        offset += 12 + length
    return chunks


@pytest.mark.parametrize("after_pixels", [False, True])
def test_png_location_and_orientation_are_read_wherever_the_metadata_is(after_pixels):
    # facts() reads a PNG's header without decoding it, unless metadata comes after the pixels: found either way.
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: a 40×10 picture shows 10×40
    exif.get_ifd(0x8825)[1] = "N"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 10)).save(buffer, "PNG", exif=exif)
    chunks = _png_chunks(buffer.getvalue())
    if after_pixels:
        moved = next(c for c in chunks if c[4:8] == b"eXIf")
        chunks.remove(moved)
        chunks.insert(len(chunks) - 1, moved)
    found = facts(b"\x89PNG\r\n\x1a\n" + b"".join(chunks))
    assert (found.width, found.height, found.located) == (10, 40, True)

def test_no_published_image_of_the_demo_carries_exif(demo_site: Path):
    pictures = [p for p in demo_site.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp", ".avif"}]
    assert pictures
    for path in pictures:
        with Image.open(path) as image:
            exif = image.getexif()
            assert not exif, path
            assert not exif.get_ifd(0x8825), path
            assert "xmp" not in image.info and "exif" not in image.info, path


def test_check_warns_of_a_location_and_of_unused_media(portal):
    from click.testing import CliRunner

    from agorapress.cli import main

    root = portal({
        "content/media/phone.jpg": gps_jpeg(),
        "content/media/nobody.png": _png(),
        "content/articles/walk.md": article("Walk", "media/phone.jpg"),
    })
    result = CliRunner().invoke(main, ["--root", str(root), "check", "--now", NOW.isoformat()])
    assert "content/media/phone.jpg: warning[media-location]" in result.output
    assert "its position was removed from the published copy" in result.output
    assert "content/media/nobody.png: warning[media-unused]" in result.output
    assert "Traceback" not in result.output


def test_each_picture_is_decoded_once_then_known_by_its_bytes(portal, monkeypatch):
    from click.testing import CliRunner

    from agorapress.cli import main
    from agorapress.rules import media

    root = portal({
        "content/media/phone.jpg": gps_jpeg(),
        "content/articles/walk.md": article("Walk", "media/phone.jpg"),
    })
    check = ["--root", str(root), "check", "--now", NOW.isoformat()]
    first = CliRunner().invoke(main, check).output
    decoded = []
    real = media.decodes
    monkeypatch.setattr(media, "decodes", lambda data, pixels: decoded.append(len(data)) or real(data, pixels))
    again = CliRunner().invoke(main, check).output
    assert decoded == [] and again == first and "warning[media-location]" in again  # the position still said
    # Other bytes under the same name are decoded again, and a damaged picture is named on every run, never kept.
    (root / "content/media/phone.jpg").write_bytes(gps_jpeg()[:2000])
    for _ in range(2):
        damaged = CliRunner().invoke(main, check).output
        assert "content/media/phone.jpg: error[not-an-image]" in damaged, damaged
    assert len(decoded) == 2


def test_a_pixel_limit_in_config_is_an_error_naming_the_file(portal):
    from conftest import MINIMAL_CONFIG

    from agorapress.site import load_portal

    root = portal({"content/media/phone.jpg": gps_jpeg(),
                   "content/articles/walk.md": article("Walk", "media/phone.jpg")},
                  config=MINIMAL_CONFIG + "moderation:\n  max_image_pixels: 1000000\n")
    loaded = load_portal(root, now=NOW)
    found = [p for p in loaded.problems.items if p.rule == "image-too-large"]
    assert found and found[0].path == "content/media/phone.jpg" and "1,000,000" in found[0].message


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "#9b2c1f").save(buffer, "PNG")
    return buffer.getvalue()


_HEADS = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF\x00\x00\x00\x00WEBP", b"GIF89a", b"", b"<svg"]


def _mangled():
    from hypothesis import strategies as st

    whole = gps_jpeg((64, 48))
    return st.one_of(
        st.tuples(st.sampled_from(_HEADS), st.binary(max_size=300)).map(lambda t: t[0] + t[1]),
        st.integers(min_value=0, max_value=len(whole)).map(lambda n: whole[:n]),
        st.tuples(st.integers(min_value=0, max_value=len(whole) - 1), st.integers(0, 255)).map(
            lambda t: whole[:t[0]] + bytes([t[1]]) + whole[t[0] + 1:]),
    )


def test_any_bytes_are_a_picture_or_a_named_refusal_never_a_crash():
    from hypothesis import given, settings

    from agorapress.images import decodes

    @settings(max_examples=150, deadline=None)
    @given(_mangled())
    def check(data: bytes) -> None:
        for step in (facts, decodes, lambda d: renditions(d, (32,), ("WEBP", "PNG"))):
            try:
                step(data)
            except ImageRejected as exc:
                assert str(exc)

    check()
