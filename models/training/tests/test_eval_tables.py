"""eval_tables.py: the card's tables quote evaluation.json's numbers, bold the network's row and
add the compared release's row when asked."""

import eval_tables


def result(psnr):
    return {"n": 14, "psnr": psnr, "ssim": 0.5, "msssim": 0.6, "psnr_gc": psnr + 1,
            "luma_corr": 0.8, "seconds_per_image": 0.25}


def evaluation(net_psnr):
    s = {m: result(10.0 + i) for i, m in enumerate(("none", "he", "dhe", "retinex"))}
    s["sid-unet"] = result(net_psnr)
    return {"gt_ratio": s, "night_gt_ratio": dict(s)}


def test_tables_quote_the_numbers_and_compare():
    text = eval_tables.tables(evaluation(21.237), "sid-unet", evaluation(16.2), "CPU release")
    lines = text.splitlines()
    assert lines[0].startswith("| GT exposure ratio |")
    assert "| **sid-unet** | **21.24** | **0.5000** | **0.6000** | **22.24** | **0.800** | 0.25 |" in lines
    assert "| sid-unet (CPU release) | 16.20 | 0.5000 | 0.6000 | 17.20 | 0.800 | 0.25 |" in lines
    assert "| Retinex (MSRCR) | 13.00 |" in text
    # Sections absent from the evaluation (no Eq. 5 run for sRGB networks) are left out.
    assert "Eq. 5" not in text and text.count("Night set") == 1
    srgb = dict(evaluation(18.0), testset="cache/testset (seed 777), set 'srgb'")
    assert eval_tables.tables(srgb, "sid-unet").startswith("| sRGB set, no gain |")
