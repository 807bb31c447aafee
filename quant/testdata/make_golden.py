"""Golden data for package quant: gguf-py's own quantizer on fixed inputs.

Run inside the Debian sid chroot that has python3-gguf (and numpy):

    cp quant/testdata/make_golden.py /opt/sid/tmp/ && chroot /opt/sid python3 /tmp/make_golden.py /tmp/golden
    cp /opt/sid/tmp/golden/* quant/testdata/

Writes input.f32 (little-endian float32, a whole number of 32-value blocks)
and its encodings by gguf.quants / numpy: out.q8_0, out.q4_0, out.bf16
(gguf.quants.quantize) and out.f16 (numpy astype(float16), what the
converter uses). The inputs are deterministic: hand-picked edge-case blocks,
then blocks from numpy's PCG64 with a fixed seed. No NaN.
"""
import os
import sys

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import quants

f32 = np.float32


def edge_blocks():
    b = []
    z = np.zeros(32, f32)
    b.append(z.copy())                                  # all zero
    b.append(np.full(32, -0.0, f32))                    # all negative zero
    x = np.linspace(-1, 1, 32, dtype=f32); x[7] = 1e4   # one huge value
    b.append(x)
    x = np.linspace(-1, 1, 32, dtype=f32); x[20] = -3e3 # negative max
    b.append(x)
    x = np.linspace(-1, 1, 32, dtype=f32); x[3] = 1e6   # Q4_0 d overflows fp16
    b.append(x)
    x = np.linspace(-1, 1, 32, dtype=f32); x[0] = -1e30 # Q8_0 d overflows too
    b.append(x)
    x = np.linspace(-5, 5, 32, dtype=f32); x[4], x[9] = 6, -6  # tie in |x|: + first
    b.append(x)
    x = x.copy(); x[4], x[9] = -6, 6                    # tie in |x|: - first
    b.append(x)
    # Q8_0 exact halves: max 127 gives d = 1, so x*id is x.
    x = np.arange(32, dtype=f32) - f32(15.5); x[31] = 127
    b.append(x)
    x = -(np.arange(32, dtype=f32) * 4 + f32(0.5)); x[0] = -127
    b.append(x)
    # Q4_0 boundaries: max -8 gives d = 1, id = 1, q = trunc(x + 8.5).
    x = (np.arange(32, dtype=f32) - 16) / 2; x[0] = -8
    b.append(x)
    x = np.array([-8] + [np.nextafter(f32(k + 0.5), f32(-100)) for k in range(-8, 8)]
                 + [np.nextafter(f32(k + 0.5), f32(100)) for k in range(-8, 7)], f32)
    b.append(x)
    x = np.full(32, 0.49999997, f32); x[1] = -8; x[2] = 7.5; x[3] = 7.4999995
    b.append(x)
    b.append(np.full(32, 3.25, f32))                    # constant positive
    b.append(np.full(32, -0.125, f32))                  # constant negative
    # Subnormals and tiny normals (1/d overflows to inf below ~4e-37 for Q8_0).
    for v in [1e-45, 1e-42, 1e-40, 1e-38, 1e-37, 3e-37, 4e-37, 1e-36]:
        x = np.linspace(-v, v, 32, dtype=f32); x[5] = f32(v) * f32(0.75)
        b.append(x)
    x = np.zeros(32, f32); x[::2] = 1e-40; x[1::2] = -3e-41; x[9] = 1.0  # subnormals + normal
    b.append(x)
    x = np.zeros(32, f32); x[11] = 6e-8                 # fp16 subnormal d range
    b.append(x)
    x = np.zeros(32, f32); x[30] = f32(3.4e38); x[2] = -3e38            # near float32 max
    b.append(x)
    x = np.linspace(-1, 1, 32, dtype=f32); x[6] = np.inf                 # infinity (not NaN)
    b.append(x)
    # F16 / BF16 rounding ties and range ends.
    x = np.array([1 + 2**-11, 1 + 3 * 2**-11, -(1 + 2**-11), 65504, 65519.996, 65520, 1e5, -7e4,
                  2**-24, 2**-25, 3 * 2**-25, 2**-26, 1.5 * 2**-24, 2**-14, 2**-14 - 2**-24, 6.1e-5,
                  1 + 2**-8, 1 + 3 * 2**-8, 1 + 2**-8 + 2**-20, -(1 + 3 * 2**-8), 3.3895314e38, 1e-39,
                  np.float32(1) / 3, -2 / np.float32(3), 0.1, -0.2, 0.3, 1e-3, 12345.678, -1e-30, 7, -7], f32)
    b.append(x)
    return b


def random_blocks(n):
    rng = np.random.Generator(np.random.PCG64(20240607))
    out = []
    for i in range(n):
        scale = f32(10.0 ** rng.uniform(-9, 5))
        kind = i % 4
        if kind == 0:
            x = rng.standard_normal(32).astype(f32) * scale
        elif kind == 1:
            x = rng.uniform(-1, 1, 32).astype(f32) * scale
        elif kind == 2:  # heavy tail: one outlier
            x = rng.standard_normal(32).astype(f32) * scale
            x[rng.integers(32)] *= f32(rng.uniform(5, 50))
        else:  # grid points of a random d, where rounding ties live
            d = f32(scale / 16)
            x = (rng.integers(-16, 17, 32).astype(f32) / f32(2)) * d
        out.append(x.astype(f32))
    return out


def main():
    dest = sys.argv[1] if len(sys.argv) > 1 else "golden"
    os.makedirs(dest, exist_ok=True)
    x = np.concatenate(edge_blocks() + random_blocks(480)).astype(f32).reshape(-1, 32)
    assert not np.isnan(x).any()
    with np.errstate(all="ignore"):
        outs = {
            "input.f32": x,
            "out.q8_0": quants.quantize(x, T.Q8_0),
            "out.q4_0": quants.quantize(x, T.Q4_0),
            "out.bf16": quants.quantize(x, T.BF16),
            "out.f16": x.astype(np.float16),
        }
    for name, arr in outs.items():
        with open(os.path.join(dest, name), "wb") as fh:
            fh.write(np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes())
    print(f"{x.shape[0]} blocks written to {dest}")


main()
