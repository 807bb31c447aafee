#!/usr/bin/env python3
"""Wrapper around the shared oracle's gen_fixtures.py (unchanged) for more_cases.json.

  python3 gen_more.py --out DIR --cases more_cases.json [--only NAME ...]

Run it from a folder that also holds gen_fixtures.py (in the chroot: /tmp/oracle). It adds
three optional spec fields and otherwise behaves exactly like gen_fixtures.py:

- "enc_rows" (multimodal cases): the encoder rows, each a list of segments ["text", n]
  (n random tokens) or ["image"] (the processor's block \\n\\n <boi> <img>*mm <eoi> \\n\\n, taking
  the next image of "images" in order). Row 0 starts with BOS 2. This allows several images in
  one row and rows without an image, which the shared generator's "text_lens" (one image per
  row) cannot express. The shared generator's own rows are built and then replaced.
- "file_edits": {"config.json" | "generation_config.json": {key: value}}: top-level keys written
  into the saved files after save_pretrained and before the generator reloads the checkpoint
  from disk, so every golden tensor (and generate(), which follows generation_config.json)
  comes from the edited files. Used for an EOS list and a pad id other than 0.
- "image_modes" (multimodal cases): the Pillow mode of each test image (RGB, RGBA, LA, L, P, 1,
  I;16), made from the usual synthetic RGB picture and saved as PNG in that mode. The processor
  converts them with convert("RGB"); image_resized_u8 is the resize of that conversion.
"""
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_fixtures as G  # noqa: E402

NL2 = 108  # "\n\n", as in gen_fixtures
_spec = {}
_orig_pad_rows = G.pad_rows


def _enc_rows(spec):
    text = spec["text"]
    V = text["vocab_size"]
    specials = {0, 1, 2, spec["boi"], spec["eoi"], spec["image_token"], NL2}
    gen = torch.Generator().manual_seed(spec["seed"] + 1000)
    rows = []
    for segs in spec["enc_rows"]:
        r = [2]
        for seg in segs:
            if seg[0] == "text":
                r += G.rand_tokens(gen, seg[1], V, specials)
            elif seg[0] == "image":
                r += [NL2, spec["boi"]] + [spec["image_token"]] * spec["mm_tokens_per_image"] + [spec["eoi"], NL2]
            else:
                raise ValueError(f"enc_rows: unknown segment {seg!r}")
        rows.append(r)
    n_img = sum(seg[0] == "image" for segs in spec["enc_rows"] for seg in segs)
    if n_img != len(spec["images"]):
        raise ValueError(f"enc_rows hold {n_img} image blocks for {len(spec['images'])} images")
    return rows


def pad_rows(rows, pad_side, pad_id=0):
    spec = _spec.get("cur")
    if spec and "enc_rows" in spec and not _spec.get("enc_done"):
        _spec["enc_done"] = True  # the first call of a multimodal case pads the encoder rows
        rows = _enc_rows(spec)
    return _orig_pad_rows(rows, pad_side, pad_id)


G.pad_rows = pad_rows
_orig_make_test_image = G.make_test_image


class _ModeImage(Image.Image):
    """An image in another mode whose resize() is that of its RGB conversion: gen_fixtures
    stacks im.resize(...) as the 3-channel image_resized_u8."""

    def resize(self, size, resample=None, **kw):
        return self.convert("RGB").resize(size, resample, **kw)


def _to_mode(rgb, mode):
    w, h = rgb.size
    ramp = Image.fromarray(((np.add.outer(np.arange(h) * 7, np.arange(w) * 3) % 256)).astype(np.uint8), "L")
    if mode == "RGB":
        return rgb
    if mode == "RGBA":
        im = rgb.copy()
        im.putalpha(ramp)  # alpha varies 0..255: convert("RGB") drops it
    elif mode == "LA":
        im = rgb.convert("L")
        im.putalpha(ramp)
    elif mode in ("L", "1"):
        im = rgb.convert(mode)
    elif mode == "P":
        im = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=13)
    elif mode == "I;16":
        im = Image.fromarray(np.asarray(rgb.convert("L"), dtype=np.uint16) * 2)  # mode I;16, 0..510: half clips
        assert im.mode == "I;16", im.mode
    else:
        raise ValueError(f"image_modes: unknown mode {mode!r}")
    im.__class__ = _ModeImage
    return im


def make_test_image(w, h, seed):
    rgb = _orig_make_test_image(w, h, seed)
    spec = _spec.get("cur", {})
    modes = spec.get("image_modes")
    if not modes:
        return rgb
    return _to_mode(rgb, modes[seed - spec["seed"] * 100])


G.make_test_image = make_test_image
_Model = G.T5Gemma2ForConditionalGeneration


class _EditOnLoad:
    """Stands in for the model class in gen_fixtures: edits the saved files before the reload."""
    _from_config = _Model._from_config

    @staticmethod
    def from_pretrained(path, **kw):
        for fn, edits in _spec.get("cur", {}).get("file_edits", {}).items():
            p = os.path.join(path, fn)
            with open(p) as f:
                d = json.load(f)
            d.update(edits)
            with open(p, "w") as f:
                json.dump(d, f, indent=2, sort_keys=True)
                f.write("\n")
        return _Model.from_pretrained(path, **kw)


G.T5Gemma2ForConditionalGeneration = _EditOnLoad


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    with open(a.cases) as f:
        cases = json.load(f)
    for name, spec in cases.items():
        if name.startswith("_") or (a.only and name not in a.only):
            continue
        _spec.clear()
        _spec["cur"] = spec
        if "enc_rows" in spec:
            spec.setdefault("text_lens", [])  # the shared loop then builds no rows; enc_rows replace them
        meta = G.run_case(name, spec, os.path.join(a.out, name))
        print(name, json.dumps(meta["notes"]), flush=True)


if __name__ == "__main__":
    sys.exit(main())
