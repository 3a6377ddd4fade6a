"""Training-pair synthesis from clean sRGB crops (networks.md §3 and §8).

All samplers take a batch of clean sRGB crops y (B,3,H,W) in [0,1] and a torch.Generator and
return a dict of tensors. Mosaics are RGGB by default (the `bayer_mosaic` input_kind of
models/README.md); H and W must be even for RAW modes.
"""
from __future__ import annotations

import torch

from . import camera_jpeg as cj
from . import engine_exposure as ee
from . import lights as lt
from . import noise as nz
from . import unprocess as up

EPS = 1e-4


def _dark_capture(y: torch.Tensor, gen, cfa: str, noise_model: str, ratio_range, bits_choices,
                  clip_negative: bool = True, lights: float = 0.0, log_ratio: bool = False):
    """Shared core: unprocess y, mosaic it, capture it r times darker with sensor noise.
    lights: probability that a sample gets light sources (nocturne_data.lights); with 0 no
    random number is drawn for them, so older configs keep their exact data."""
    n = y.shape[0]
    meta = up.random_metadata(n, gen, cfa)
    cam = up.unprocess(y, meta)
    params = nz.sample_eld_params(n, gen, ratio_range=ratio_range, bits_choices=bits_choices,
                                  log_ratio=log_ratio)
    if lights > 0:
        cam, lit = lt.add_lights(cam, meta, params["ratio"], gen, lights)
        params["lit"] = lit
    clean_mosaic = up.mosaic(cam, cfa)
    if noise_model == "eld":
        dn = nz.eld_noise(clean_mosaic, params, gen)
        dark = nz.normalise_dn(dn, params, clip_negative).to(y.dtype)
    elif noise_model == "brooks":
        # Brooks' λ are for a normal capture; applied to the r-times darker signal they give
        # a strongly noisy low-light input. Quantised to the sampled bit depth like a real ADC.
        bp = nz.sample_brooks_params(n, gen)
        params.update(bp)
        ratio = params["ratio"].to(y)[:, None, None, None]
        noisy = nz.brooks_noise(clean_mosaic / ratio, bp, gen).clamp_max(1.0)
        noisy = noisy.clamp_min(0.0) if clip_negative else noisy
        levels = (params["white"] - params["black"]).to(y)[:, None, None, None]
        dark = torch.round(noisy * levels) / levels
    else:
        raise ValueError(f"unknown noise model '{noise_model}': use 'eld' or 'brooks'")
    return meta, cam, clean_mosaic, dark, params


def raw_pair(y: torch.Tensor, gen: torch.Generator, cfa: str = "RGGB",
             noise_model: str = "eld", ratio_range=nz.RATIO_RANGE, bits_choices=(12, 14),
             clip_negative: bool = True, lights: float = 0.0, target: str = "display",
             clip_amplified: bool = False, log_ratio: bool = False) -> dict:
    """Pair for RAW networks (Lamba, GIA-Net, SID).

    input  (B,1,H,W): dark noisy mosaic, (DN − black)/(white − black), NOT yet amplified;
                      the net sees input·ratio (clip to 1 for SID-packed nets, §1).
    ratio  (B,):      exposure ratio r ~ U[ratio_range].
    target (B,3,H,W): the clean camera image through the ISP (≈ y; exact by construction).
    clip_negative: clip values below black to 0 like SID (a mean bias in deep shadows);
    False keeps them, as raw files that store sub-black values do.
    lights: probability of adding light sources (lamps, lit windows) to a sample.
    target "camera": the clean capture in linear camera RGB before white balance, clipped at 1
    as a sensor clips (manifest output "camera_linear"): the network only denoises and
    demosaics, and the engine renders colour with the file's own white balance and matrix,
    exactly as it renders "amplify only". "display" is the random camera's full ISP render.
    clip_amplified: the input is cut at 1 / ratio, so input·ratio is clipped at 1 as the engine
    feeds nets with clip_input (lamps far above white carry no information the net could use).
    log_ratio: draw the exposure ratio log-uniformly (nz.sample_eld_params).
    Also: clean_mosaic, meta (to re-render), noise (per-sample parameter record)."""
    if target not in ("display", "camera"):
        raise ValueError(f"target must be 'display' or 'camera', not '{target}'")
    meta, cam, clean_mosaic, dark, params = _dark_capture(
        y, gen, cfa, noise_model, ratio_range, bits_choices, clip_negative, lights, log_ratio)
    ratio = params["ratio"].to(y)
    if clip_amplified:
        dark = torch.minimum(dark, 1.0 / ratio[:, None, None, None])
    out = cam.clamp(0.0, 1.0) if target == "camera" else up.process(cam, meta)
    return {"input": dark, "ratio": ratio, "target": out,
            "clean_mosaic": clean_mosaic, "meta": meta, "noise": nz.record(params)}


def amplified_input(pair: dict, packed: bool = False, clip: bool | None = None) -> torch.Tensor:
    """What a RAW net is fed: input·ratio, SID-packed (and clipped to 1, §1) if `packed`,
    otherwise the full mosaic unclipped (Lamba's convention)."""
    x = pair["input"] * pair["ratio"][:, None, None, None]
    clip = packed if clip is None else clip
    if clip:
        x = x.clamp_max(1.0)
    return up.pack_sid(x, pair["meta"]["cfa"]) if packed else x


def quantise8(x: torch.Tensor) -> torch.Tensor:
    return torch.round(x.clamp(0.0, 1.0) * 255.0) / 255.0


def camera_srgb_pair(y: torch.Tensor, gen: torch.Generator, cfa: str = "RGGB",
                     noise_model: str = "eld", ratio_range=nz.RATIO_RANGE,
                     bits_choices=(12, 14), lights: float = 0.0) -> dict:
    """sRGB pair 'camera' mode (Attention U-Net, NEID, BA-GAN): the dark noisy capture
    rendered by the camera ISP without brightening (bilinear demosaic, WB, CCM, gamma,
    smoothstep) and stored as 8-bit — what a dark JPEG looks like. target = clean ISP output."""
    meta, cam, _, dark, params = _dark_capture(y, gen, cfa, noise_model, ratio_range,
                                               bits_choices, lights=lights)
    x = quantise8(up.process_mosaic(dark, meta))
    target = up.process(cam, meta)
    return {"input": x, "target": target, "attention": attention_target(x, target),
            "ratio": params["ratio"].to(y), "meta": meta, "noise": nz.record(params)}


def jpeg_pair(y: torch.Tensor, gen: torch.Generator, cfa: str = "RGGB", lights: float = 0.5,
              m: float = ee.M_DEFAULT, ratio_range=cj.RATIO_RANGE,
              noise_reduction: float = 0.0, target: str = "scene") -> dict:
    """sRGB pair 'jpeg' mode, for networks the engine feeds its own exposure: the dark camera
    file (camera_jpeg.dark_jpeg) amplified exactly as the engine amplifies it and, with
    noise_reduction > 0, cleaned by the engine's noise reduction at that strength (manifest
    amplifier "engine": the network refines what "amplify only" shows); the target is the clean
    scene at the exposure whose amplified (shouldered) rendering has the same mean display
    luminance: what "amplify only" would show for a noise-free capture. target "camera" renders
    that clean exposure through the dark file's own camera tone curve instead (what a real
    normal-light JPEG from the same camera is), so the network is not taught to undo the
    camera's look, only its noise and darkness. target "engine" is what "amplify only" shows
    for the same file made by a noise-free sensor (camera_jpeg.dark_jpeg's clean twin, amplified
    with the noisy file's own Eq. 5 gain, no noise reduction): the engine's tones and colours,
    down to the white-balance error, so the network learns to remove noise, compression and
    quantisation and nothing else. Real references render tones and colours in ways no
    synthetic camera predicts (models/README.md, "oracle headroom"); a network taught to
    change them learns synthetic cameras' habits."""
    if target not in ("scene", "camera", "engine"):
        raise ValueError(f"target must be 'scene', 'camera' or 'engine', not '{target}'")
    outs = [cj.dark_jpeg(y[i:i + 1], gen, cfa, lights, ratio_range,
                         clean_twin=target == "engine") for i in range(y.shape[0])]
    dark = torch.cat([o["input"] for o in outs])
    scene = torch.cat([o["scene_linear"] for o in outs]).to(dark)
    dark_linear = ee.srgb_to_linear(dark)
    gain = ee.eq5_gain(dark_linear, m)
    amp = ee.amplify(dark_linear, gain)
    if noise_reduction > 0:
        amp = ee.noise_reduction(amp, noise_reduction)
    x = ee.linear_to_srgb(amp)
    means = ee.display_mean(amp)
    if target == "engine":
        clean = torch.cat([o["clean_display"] for o in outs]).to(dark)
        target = ee.linear_to_srgb(ee.amplify(ee.srgb_to_linear(clean), gain))
    elif target == "camera":
        target = torch.cat([cj.camera_rendering(scene[i:i + 1], o["record"]["tone"],
                                                o["record"]["contrast"], means[i:i + 1])
                            for i, o in enumerate(outs)]).to(dark)
    else:
        target = ee.linear_to_srgb(ee.expose_like(scene, means))
    return {"input": x, "target": target, "attention": attention_target(x, target),
            "dark": dark, "records": [o["record"] for o in outs]}


def ba_gan_pair(y: torch.Tensor, gen: torch.Generator, noise_param: str = "variance",
                noise_range=(0.01, 0.05), u_range=(0.05, 1.0), gamma_range=(1.1, 2.0)
                ) -> dict:
    """sRGB pair 'ba-gan' mode (networks.md §3): x = u·y^γ + N(0, σ²), clipped to [0,1].
    noise_param 'variance' reads the paper literally (σ² ~ U[0.01, 0.05], σ ≈ 0.10–0.22: very
    strong noise that buries the darkest images); 'sigma' draws σ ~ U[0.01, 0.05] instead.
    u below 0.05 is excluded: such inputs carry almost no signal under that noise."""
    n = y.shape[0]

    def draw(lo, hi):
        return (lo + (hi - lo) * torch.rand(n, generator=gen, dtype=torch.float64)
                ).to(y)[:, None, None, None]

    u, g, s = draw(*u_range), draw(*gamma_range), draw(*noise_range)
    if noise_param == "variance":
        sigma = s.sqrt()
    elif noise_param == "sigma":
        sigma = s
    else:
        raise ValueError(f"noise_param must be 'variance' or 'sigma', not '{noise_param}'")
    eps = torch.randn(y.shape, generator=gen, dtype=y.dtype, device="cpu").to(y.device)
    x = (u * y.clamp(0.0, 1.0) ** g + sigma * eps).clamp(0.0, 1.0)
    return {"input": x, "target": y, "attention": attention_target(x, y),
            "u": u.flatten(), "gamma": g.flatten(), "sigma": sigma.flatten()}


def attention_target(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Brightness attention A = (max_c y − max_c x)/(max_c y + eps), clamped to [0,1]
    (B,1,H,W). Where x is brighter than y (noise), A is 0, not negative."""
    my = y.amax(dim=1, keepdim=True)
    mx = x.amax(dim=1, keepdim=True)
    return ((my - mx) / (my + EPS)).clamp(0.0, 1.0)
