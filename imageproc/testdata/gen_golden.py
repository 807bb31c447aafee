#!/usr/bin/env python3
"""Generate imageproc's golden data with Pillow, numpy and transformers.

Run inside a Debian sid chroot that has python3-pil, python3-numpy and
transformers (the project used Pillow 13.0.0, transformers 5.12.1,
libjpeg-turbo 3.1.3, libwebp 1.6.0):

    mkdir -p /opt/sid/tmp/ipgen && cp gen_golden.py /opt/sid/tmp/ipgen/
    chroot /opt/sid apt-get install -y libjpeg-turbo-progs   # cjpeg
    chroot /opt/sid python3 /tmp/ipgen/gen_golden.py /tmp/ipgen/out
    cp -r /opt/sid/tmp/ipgen/out/* imageproc/testdata/

It writes:
  golden/<case>.<ext>   small synthetic images in many modes and formats
  golden.json           per case: size after exif_transpose, sha256 of
                        PIL's convert("RGB") pixels, sha256 of PIL's
                        resize(BILINEAR) output and of transformers'
                        pixel_values (float32 LE, [3,S,S]) per size S;
                        for JPEG also the name of PIL's decoded pixels
                        (golden/<case>.rgb.gz) since Go's IDCT differs.
                        "resize" lists sizes with the sha256 of PIL's
                        resize of a synthetic pattern (see pattern()).
"""
import gzip
import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import zlib

import numpy as np
from PIL import Image
from transformers.image_utils import load_image
from transformers.models.gemma3.image_processing_pil_gemma3 import Gemma3ImageProcessorPil

OUT = sys.argv[1] if len(sys.argv) > 1 else "out"
GOLD = os.path.join(OUT, "golden")
os.makedirs(GOLD, exist_ok=True)
SIZES = [17, 32, 56]
rng = np.random.default_rng(20260601)


def sha(b):
    return hashlib.sha256(b).hexdigest()


def photo(w, h, channels=3):
    """A smooth picture with edges and noise, so resizing and JPEG both work."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    base = [
        128 + 100 * np.sin(x / max(w, 1) * 6.3 + c) * np.cos(y / max(h, 1) * 4.1 - c)
        for c in range(channels)
    ]
    a = np.stack(base, -1)
    a[(x > w / 3) & (x < w / 2)] = 230  # a bright bar: a sharp edge
    a += rng.normal(0, 12, a.shape)
    return np.clip(np.round(a), 0, 255).astype(np.uint8)


# ---- a minimal PNG writer, for bit depths and chunks Pillow's encoder does not write


def png_chunk(t, data):
    return struct.pack(">I", len(data)) + t + data + struct.pack(">I", zlib.crc32(t + data))


def write_png(path, w, h, depth, ctype, samples, plte=None, trns=None, exif=None):
    """samples: uint16 array [h, w, channels] of raw sample values."""

    rows = []
    for yy in range(h):
        s = samples[yy].reshape(-1)
        if depth == 16:
            row = s.astype(">u2").tobytes()
        elif depth == 8:
            row = s.astype(np.uint8).tobytes()
        else:
            per = 8 // depth
            n = (len(s) + per - 1) // per
            b = bytearray(n)
            for i, v in enumerate(s):
                b[i // per] |= int(v) << (8 - depth * (i % per + 1))
            row = bytes(b)
        rows.append(b"\0" + row)
    out = b"\x89PNG\r\n\x1a\n"
    out += png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0))
    if plte is not None:
        out += png_chunk(b"PLTE", bytes(plte))
    if trns is not None:
        out += png_chunk(b"tRNS", bytes(trns))
    if exif is not None:
        out += png_chunk(b"eXIf", exif)
    out += png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
    out += png_chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(out)



def cjpeg(path, rgb, *args):
    h, w, _ = rgb.shape
    ppm = b"P6 %d %d 255\n" % (w, h) + rgb.tobytes()
    jpg = subprocess.run(["cjpeg", "-quality", "90", *args], input=ppm, capture_output=True, check=True).stdout
    with open(path, "wb") as f:
        f.write(jpg)


def exif_bytes(orientation):
    e = Image.Exif()
    e[0x0112] = orientation
    return e.tobytes()


def make_cases():
    cases = []  # (name, path)

    def add(name, ext):
        p = os.path.join(GOLD, name + "." + ext)
        cases.append((name, p))
        return p

    # PNG, every colour type and bit depth
    w, h = 23, 19
    g = photo(w, h, 1).astype(np.uint16)
    for d in (1, 2, 4):
        write_png(add(f"png_gray{d}", "png"), w, h, d, 0, g >> (8 - d))
    write_png(add("png_gray8", "png"), w, h, 8, 0, g)
    write_png(add("png_gray8_trns", "png"), w, h, 8, 0, g, trns=struct.pack(">H", int(g[0, 0, 0])))
    g16 = (g.astype(np.uint32) * 3 - 200).clip(0, 65535).astype(np.uint16)  # spans 0..~565
    write_png(add("png_gray16", "png"), w, h, 16, 0, g16)
    write_png(add("png_gray16_trns", "png"), w, h, 16, 0, g16, trns=struct.pack(">H", 7))
    rgb = photo(w, h).astype(np.uint16)
    write_png(add("png_rgb8", "png"), w, h, 8, 2, rgb)
    write_png(add("png_rgb8_trns", "png"), w, h, 8, 2, rgb, trns=struct.pack(">HHH", *map(int, rgb[0, 0])))
    rgb16 = rgb * 257 + rng.integers(0, 257, rgb.shape).astype(np.uint16)
    write_png(add("png_rgb16", "png"), w, h, 16, 2, rgb16)
    write_png(add("png_rgb16_trns", "png"), w, h, 16, 2, rgb16, trns=struct.pack(">HHH", *map(int, rgb16[0, 0])))
    alpha = rng.integers(0, 256, (h, w, 1)).astype(np.uint16)
    write_png(add("png_ga8", "png"), w, h, 8, 4, np.concatenate([g, alpha], -1))
    write_png(add("png_ga16", "png"), w, h, 16, 4, np.concatenate([g * 257 + 99, alpha * 257], -1))
    write_png(add("png_rgba8", "png"), w, h, 8, 6, np.concatenate([rgb, alpha], -1))
    write_png(add("png_rgba16", "png"), w, h, 16, 6, np.concatenate([rgb16, alpha * 257 + 3], -1))
    for d in (1, 2, 4, 8):
        n = 1 << d
        pal = rng.integers(0, 256, 3 * n).astype(np.uint8)
        idx = rng.integers(0, n, (h, w, 1)).astype(np.uint16)
        trns = rng.integers(0, 256, max(1, n // 2)).astype(np.uint8)
        write_png(add(f"png_p{d}", "png"), w, h, d, 3, idx, plte=pal, trns=trns)
    # paletted with a short palette: indices past it are black in Pillow
    pal = rng.integers(0, 256, 3 * 5).astype(np.uint8)
    write_png(add("png_p8_short", "png"), w, h, 8, 3, rng.integers(0, 9, (h, w, 1)).astype(np.uint16), plte=pal)
    write_png(add("png_exif6", "png"), 13, 7, 8, 2, photo(13, 7).astype(np.uint16), exif=exif_bytes(6))
    # Pillow's own encoder: a larger RGB and an extreme aspect ratio
    Image.fromarray(photo(150, 20)).save(add("png_wide", "png"))
    Image.fromarray(photo(3, 97)).save(add("png_tall", "png"))

    # JPEG
    pic = photo(37, 29)
    for ss, tag in ((2, "420"), (1, "422"), (0, "444")):
        Image.fromarray(pic).save(add(f"jpeg_{tag}", "jpg"), quality=90, subsampling=ss)
    Image.fromarray(photo(5, 3)).save(add("jpeg_420_tiny", "jpg"), quality=90, subsampling=2)
    Image.fromarray(photo(64, 48)).save(add("jpeg_420_progressive", "jpg"), quality=85, progressive=True)
    Image.fromarray(photo(31, 17)[..., 0]).save(add("jpeg_gray", "jpg"), quality=90)
    Image.fromarray(photo(21, 15, 4), "CMYK").save(add("jpeg_cmyk", "jpg"), quality=90)
    # sampling factors Pillow's encoder cannot write, via libjpeg-turbo's cjpeg
    for tag, sample, (wd, ht) in (("440", "1x2", (37, 29)), ("411", "4x1", (37, 29)), ("410", "4x2", (37, 29)),
                                  ("420_6x4", "2x2", (6, 4)), ("422_5x3", "2x1", (5, 3)), ("440_3x5", "1x2", (3, 5))):
        cjpeg(add(f"jpeg_{tag}", "jpg"), photo(wd, ht), "-sample", sample)
    cjpeg(add("jpeg_restart", "jpg"), photo(40, 24), "-restart", "1", "-sample", "2x2")
    cjpeg(add("jpeg_rgb", "jpg"), photo(20, 12), "-rgb")
    for o in (2, 3, 4, 5, 6, 7, 8):
        Image.fromarray(photo(19, 11)).save(add(f"jpeg_exif{o}", "jpg"), quality=90, exif=exif_bytes(o))
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description tiff:Orientation="5"/></rdf:RDF></x:xmpmeta>'
    Image.fromarray(photo(19, 11)).save(add("jpeg_xmp5", "jpg"), quality=90, xmp=xmp)

    # GIF (first frame)
    pimg = Image.fromarray(photo(33, 21)).quantize(16)
    pimg.save(add("gif_basic", "gif"))
    pimg.save(add("gif_trns", "gif"), transparency=3)
    frames = [pimg, Image.fromarray(photo(33, 21)[::-1]).quantize(16)]
    frames[0].save(add("gif_anim", "gif"), save_all=True, append_images=frames[1:], duration=50)
    Image.fromarray(photo(20, 40)).quantize(64).save(add("gif_interlaced", "gif"), interlace=True)
    gray = Image.fromarray(photo(17, 9, 1)[..., 0], "L")
    gray.save(add("gif_gray", "gif"))
    # patched files: screen bigger than the frame (frame at 3,4), screen
    # smaller than the frame, palette shorter than the indices used
    b = bytearray(open(os.path.join(GOLD, "gif_trns.gif"), "rb").read())
    d = b.index(b"\x2c", 13 + 3 * 16)
    b2 = bytearray(b)
    struct.pack_into("<HH", b2, 6, 40, 30)
    struct.pack_into("<HH", b2, d + 1, 3, 4)
    open(add("gif_offset", "gif"), "wb").write(b2)
    b3 = bytearray(b)
    struct.pack_into("<HH", b3, 6, 10, 8)
    open(add("gif_small_screen", "gif"), "wb").write(b3)
    assert b[10] & 7 == 3  # a 16-entry global table
    b4 = bytearray(b[:10]) + bytes([(b[10] & ~7) | 1]) + b[11:13] + b[13 : 13 + 12] + b[13 + 48 :]
    open(add("gif_short_palette", "gif"), "wb").write(b4)

    # WebP
    for wd, ht in ((37, 29), (36, 28), (1, 5)):
        Image.fromarray(photo(wd, ht)).save(add(f"webp_lossy_{wd}x{ht}", "webp"), quality=80)
    rgba = np.concatenate([photo(27, 19), rng.integers(0, 256, (19, 27, 1)).astype(np.uint8)], -1)
    Image.fromarray(rgba, "RGBA").save(add("webp_lossy_alpha", "webp"), quality=80)
    Image.fromarray(photo(27, 19)).save(add("webp_lossless", "webp"), lossless=True)
    Image.fromarray(rgba, "RGBA").save(add("webp_lossless_alpha", "webp"), lossless=True)
    Image.fromarray(photo(15, 9)).save(add("webp_exif8", "webp"), quality=80, exif=exif_bytes(8))
    # animations: Pillow shows the first frame on a zero-filled canvas
    fr = [Image.fromarray(photo(25, 17)), Image.fromarray(photo(25, 17)[::-1])]
    fr[0].save(add("webp_anim_lossy", "webp"), save_all=True, append_images=fr[1:], duration=40, quality=80)
    holed = np.zeros((17, 25, 4), np.uint8)
    holed[5:13, 7:20, :3] = photo(13, 8)
    holed[5:13, 7:20, 3] = 255
    fa = [Image.fromarray(holed, "RGBA"), Image.fromarray(np.roll(holed, 3, 1), "RGBA")]
    fa[0].save(add("webp_anim_alpha", "webp"), save_all=True, append_images=fa[1:], duration=40, quality=80, minimize_size=True)
    fa[0].save(add("webp_anim_lossless", "webp"), save_all=True, append_images=fa[1:], duration=40, lossless=True, minimize_size=True)
    return cases


def pixel_values(img, size, mean=None, std=None):
    kw = {"size": {"height": size, "width": size}}
    if mean is not None:
        kw.update(image_mean=mean, image_std=std)
    p = Gemma3ImageProcessorPil(**kw)
    pv = p(images=[img], return_tensors="np")["pixel_values"][0]
    assert pv.dtype == np.float32 and pv.shape == (3, size, size)
    return pv.astype("<f4").tobytes()


def pattern(w, h):
    """The synthetic resize input; imageproc's test computes the same."""
    y, x, c = np.meshgrid(np.arange(h, dtype=np.uint64), np.arange(w, dtype=np.uint64), np.arange(3, dtype=np.uint64), indexing="ij")
    v = ((x * np.uint64(73856093)) ^ (y * np.uint64(19349663)) ^ (c * np.uint64(83492791))) >> np.uint64(5)
    smooth = (x * np.uint64(255) // np.uint64(max(w - 1, 1)) + y * np.uint64(3)) & np.uint64(255)
    mix = np.where((x // np.uint64(4) + y // np.uint64(4)) % np.uint64(2) == 0, v, smooth)
    return (mix & np.uint64(255)).astype(np.uint8)


def main():
    manifest = {"pillow": Image.__version__, "cases": [], "resize": []}
    for name, path in make_cases():
        img = load_image(path)  # exif_transpose + convert("RGB"), as transformers does
        a = np.asarray(img)
        entry = {
            "name": name,
            "file": os.path.basename(path),
            "w": img.width,
            "h": img.height,
            "rgb_sha256": sha(a.tobytes()),
            "resized_sha256": {},
            "pixel_values_sha256": {},
        }
        if path.endswith(".jpg"):
            raw = os.path.basename(path) + ".rgb.gz"
            with gzip.open(os.path.join(GOLD, raw), "wb", 9) as f:
                f.write(a.tobytes())
            entry["rgb_gz"] = raw
        for s in SIZES:
            entry["resized_sha256"][str(s)] = sha(np.asarray(img.resize((s, s), Image.BILINEAR)).tobytes())
            entry["pixel_values_sha256"][str(s)] = sha(pixel_values(img, s))
        manifest["cases"].append(entry)
    # one case with ImageNet mean/std, to pin the float32 arithmetic
    img = load_image(os.path.join(GOLD, "png_rgb8.png"))
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    manifest["imagenet"] = {"file": "png_rgb8.png", "size": 32, "mean": mean, "std": std, "pixel_values_sha256": sha(pixel_values(img, 32, mean, std))}
    # resize stress: up, down, mixed, extreme aspect ratios, 1-pixel sides
    combos = set()
    r = np.random.default_rng(7)
    for _ in range(150):
        iw, ih, ow, oh = (int(v) for v in r.integers(1, 90, 4))
        combos.add((iw, ih, ow, oh))
    for c in [(1, 1, 5, 3), (1, 200, 17, 17), (300, 2, 32, 32), (2, 300, 56, 9), (640, 4, 7, 7),
              (7, 7, 224, 224), (100, 1, 1, 100), (45, 37, 32, 32), (29, 53, 32, 32), (33, 10, 32, 50),
              (1920 // 8, 1080 // 8, 112, 112), (50, 500, 40, 100), (16, 16, 16, 8), (16, 16, 8, 16)]:
        combos.add(c)
    for iw, ih, ow, oh in sorted(combos):
        out = Image.fromarray(pattern(iw, ih)).resize((ow, oh), Image.BILINEAR)
        manifest["resize"].append([iw, ih, ow, oh, sha(np.asarray(out).tobytes())])
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(manifest, f, indent=0)
    print(len(manifest["cases"]), "cases,", len(manifest["resize"]), "resize combos")


main()
