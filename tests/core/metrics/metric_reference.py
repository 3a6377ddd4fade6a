#!/usr/bin/env python3
"""Independent NumPy reference for tst_ReferenceMetrics (PSNR, SSIM, MS-SSIM).

Builds the same deterministic float32 images as the C++ test (formulas below) and prints the
reference values the test compares against. Run: /usr/bin/python3 metric_reference.py
Written from the papers' definitions (Wang et al. 2003/2004), not from the C++ code.
"""
import numpy as np

W, H = 40, 32
WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]


def images():
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    a = np.stack([0.5 + 0.4 * np.sin(0.3 * x + 0.2 * y + c) for c in range(3)], -1)
    b = np.stack([np.clip(0.45 + 0.35 * np.sin(0.3 * x + 0.25 * y + c)
                          + 0.05 * np.cos(1.3 * x - 0.9 * y), 0, 1) for c in range(3)], -1)
    xi, yi = np.mgrid[0:W, 0:H]
    c = np.stack([((xi.T * 37 + yi.T * 101 + ch * 53) % 97) / 96.0 for ch in range(3)], -1)
    return [m.astype(np.float32).astype(np.float64) for m in (a, b, c)]


def gauss(n, sigma=1.5):
    t = np.arange(n) - (n - 1) / 2.0
    g = np.exp(-t ** 2 / (2 * sigma ** 2))
    return g / g.sum()


def window2d(n):
    g = gauss(n)
    return np.outer(g, g)


def filt(p, win):
    n = win.shape[0]
    h, w = p.shape[0] - n + 1, p.shape[1] - n + 1
    out = np.zeros((h, w))
    for i in range(n):
        for j in range(n):
            out += win[i, j] * p[i:i + h, j:j + w]
    return out


def ssim_terms(a, b):
    n = min(11, a.shape[0], a.shape[1])
    win = window2d(n)
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    ma, mb = filt(a, win), filt(b, win)
    saa = filt(a * a, win) - ma * ma
    sbb = filt(b * b, win) - mb * mb
    sab = filt(a * b, win) - ma * mb
    cs = (2 * sab + c2) / (saa + sbb + c2)
    lum = (2 * ma * mb + c1) / (ma ** 2 + mb ** 2 + c1)
    return (lum * cs).mean(), cs.mean()


def down(p):
    p = np.pad(p, ((0, p.shape[0] % 2), (0, p.shape[1] % 2)), mode="edge")
    return 0.25 * (p[0::2, 0::2] + p[0::2, 1::2] + p[1::2, 0::2] + p[1::2, 1::2])


def ms_ssim_plane(a, b):
    prod = 1.0
    for i, w in enumerate(WEIGHTS):
        s, cs = ssim_terms(a, b)
        prod *= max(s if i == len(WEIGHTS) - 1 else cs, 1e-6) ** w
        a, b = down(a), down(b)
    return prod


def luma(m):
    return 0.2126 * m[..., 0] + 0.7152 * m[..., 1] + 0.0722 * m[..., 2]


def main():
    a, b, c = images()
    for name, (p, q) in {"AB": (a, b), "AC": (a, c), "BC": (b, c)}.items():
        mse = ((p - q) ** 2).mean()
        ssim_pc = np.mean([ssim_terms(p[..., k], q[..., k])[0] for k in range(3)])
        ms_pc = np.mean([ms_ssim_plane(p[..., k], q[..., k]) for k in range(3)])
        # luma from the float32 values, as the C++ code computes it
        ssim_l = ssim_terms(luma(p), luma(q))[0]
        ms_l = ms_ssim_plane(luma(p), luma(q))
        print(f'{{"{name}", {10 * np.log10(1 / mse):.9f}, {ssim_pc:.9f}, {ms_pc:.9f}, '
              f'{ssim_l:.9f}, {ms_l:.9f}}},')


if __name__ == "__main__":
    main()
