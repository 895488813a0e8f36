"""Pictures attached to a "send a text" issue: fetched from GitHub's user-content hosts only, bounded, re-encoded
without their metadata, and the text pointed at the portal's copies."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from agorapress.issue_images import MAX_IMAGES, clean, import_images, is_user_content

ATTACHMENT = "https://github.com/user-attachments/assets/0b6c1f9e-2f4e-4a51-9d3a-5a1f7c1e2d3b"


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPS: Paris
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken at home")
    return out.getvalue()


@pytest.mark.parametrize("url, allowed", [
    (ATTACHMENT, True),
    ("https://user-images.githubusercontent.com/1/2.png", True),
    ("https://private-user-images.githubusercontent.com/1/2.png?jwt=x", True),
    ("http://user-images.githubusercontent.com/1/2.png", False),
    ("https://github.com/evil/repo/raw/main/x.png", False),
    ("https://user-images.githubusercontent.com.evil.example/x.png", False),
    ("https://evil.example/user-attachments/assets/x", False),
    ("https://user@user-images.githubusercontent.com/x.png", False),
    ("https://user-images.githubusercontent.com:8443/x.png", False),
])
def test_only_githubs_user_content_hosts_are_fetched(url, allowed):
    assert is_user_content(url) is allowed


def test_pictures_are_copied_without_metadata_and_the_text_points_at_them():
    asked = []

    def fetch(url: str, limit: int) -> bytes:
        asked.append(url)
        return _jpeg_with_gps()

    text = (f"Before.\n\n![the kettle]({ATTACHMENT})\n\n"
            f'<img width="300" alt="open socket" src="https://user-images.githubusercontent.com/9/k.jpg">\n\n'
            "![elsewhere](https://evil.example/tracker.png)\n")
    attached = import_images(text, "articles/kettle.md", 57, 2048 * 1024, fetch)
    assert asked == [ATTACHMENT, "https://user-images.githubusercontent.com/9/k.jpg"]  # never the other host
    assert sorted(attached.files) == ["media/submissions/issue-57-1.jpg", "media/submissions/issue-57-2.jpg"]
    assert "![the kettle](../media/submissions/issue-57-1.jpg)" in attached.text
    assert "![open socket](../media/submissions/issue-57-2.jpg)" in attached.text
    assert "https://evil.example/tracker.png" in attached.text and ATTACHMENT not in attached.text
    for data in attached.files.values():
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and image.size == (40, 30)
            assert not image.getexif() and "comment" not in image.info and "exif" not in image.info


@pytest.mark.parametrize("data, why", [
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "not a PNG, JPEG or WebP"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "not a readable picture"),
    (b"GIF89a" + b"\0" * 64, "not a PNG, JPEG or WebP"),
])
def test_what_is_not_a_picture_is_left_out(data, why):
    with pytest.raises(ValueError, match=why):
        clean(data, 1 << 20)
    attached = import_images(f"![x]({ATTACHMENT})", "articles/a.md", 3, 1 << 20, lambda url, limit: data)
    assert attached.files == {} and attached.text == "" and why in attached.notes[0]


def test_a_bomb_and_a_flood_are_bounded():
    huge = io.BytesIO()
    Image.new("1", (6000, 6000)).save(huge, "PNG")  # 36 million pixels in a few kilobytes
    with pytest.raises(ValueError):
        clean(huge.getvalue(), 1 << 20)
    with pytest.raises(ValueError, match="larger than"):
        clean(_jpeg_with_gps(), 100)
    many = "\n".join(f"![p{i}]({ATTACHMENT}{i})" for i in range(MAX_IMAGES + 5))
    attached = import_images(many, "articles/a.md", 4, 1 << 20, lambda url, limit: _jpeg_with_gps())
    assert len(attached.files) == MAX_IMAGES and len(attached.notes) == 5


def test_an_imported_picture_passes_the_check_and_is_published(portal):
    from agorapress.build import build
    from agorapress.site import load_portal

    attached = import_images(f"Look:\n\n![the kettle]({ATTACHMENT})\n", "articles/kettle.md", 57, 2048 * 1024,
                             lambda url, limit: _jpeg_with_gps())
    files = {f"content/{path}": data for path, data in attached.files.items()}
    files["content/articles/kettle.md"] = f"---\ntitle: Kettle\ndate: 2026-01-10\nauthors: [ana]\n---\n{attached.text}"
    root = portal(files)
    assert [p.as_text() for p in load_portal(root).problems.errors] == []
    out = build(root, root / "output").output
    page = (out / "articles" / "kettle" / "index.html").read_text(encoding="utf-8")
    assert 'alt="the kettle"' in page and "media/submissions/issue-57-1" in page
    assert (out / "media" / "submissions").is_dir()
