import ship_rule


def figures(**nets):
    base = {"none": dict(psnr=20.0, ssim=0.75, psnr_gt_mean=24.0),
            "he": dict(psnr=18.0, ssim=0.69, psnr_gt_mean=19.0),
            "dhe": dict(psnr=20.1, ssim=0.74, psnr_gt_mean=23.0),
            "retinex": dict(psnr=16.0, ssim=0.68, psnr_gt_mean=18.0)}
    base.update(nets)
    return base


def test_a_network_that_beats_every_baseline_on_every_metric_ships():
    ships, reason = ship_rule.decide(figures(net=dict(psnr=21.0, ssim=0.80, psnr_gt_mean=25.0)), "net")
    assert ships, reason


def test_losing_on_one_metric_to_one_baseline_keeps_it_experimental():
    # Beats "none" on PSNR but not DHE: the bar is the best of all baselines per metric.
    ships, reason = ship_rule.decide(figures(net=dict(psnr=20.05, ssim=0.80, psnr_gt_mean=25.0)), "net")
    assert not ships
    assert "PSNR 20.05 vs 20.10" in reason and "SSIM" not in reason


def test_a_tie_does_not_ship():
    ships, _ = ship_rule.decide(figures(net=dict(psnr=20.1, ssim=0.75, psnr_gt_mean=24.0)), "net")
    assert not ships


def test_unmeasured_networks_and_missing_baselines_do_not_ship():
    assert ship_rule.decide(figures(), "net") == (False, "not measured")
    f = figures(net=dict(psnr=30.0, ssim=0.9, psnr_gt_mean=30.0))
    del f["retinex"]
    ships, reason = ship_rule.decide(f, "net")
    assert not ships and "retinex" in reason


def test_write_leaves_the_kind_without_figures_alone(tmp_path):
    import json
    summary = {"sets": {"all": figures(srgbnet=dict(psnr=21.0, ssim=0.80, psnr_gt_mean=25.0,
                                                     brightness=1.0, seconds_per_image=1.0))}}
    for m in summary["sets"]["all"].values():
        m.setdefault("brightness", 1.0)
        m.setdefault("seconds_per_image", 0.1)
    srgb = tmp_path / "realdev.json"
    srgb.write_text(json.dumps(summary))
    raw_manifest = {"id": "rawnet", "input_kind": "bayer_mosaic", "trained": True,
                    "experimental": True, "experimental_reason": "measured earlier"}
    srgb_manifest = {"id": "srgbnet", "input_kind": "srgb", "trained": True, "experimental": True,
                     "experimental_reason": "old"}
    (tmp_path / "rawnet.json").write_text(json.dumps(raw_manifest))
    (tmp_path / "srgbnet.json").write_text(json.dumps(srgb_manifest))
    assert ship_rule.main(["--srgb", str(srgb), "--models", str(tmp_path), "--write"]) == 0
    assert json.loads((tmp_path / "rawnet.json").read_text()) == raw_manifest
    written = json.loads((tmp_path / "srgbnet.json").read_text())
    assert written["experimental"] is False and "experimental_reason" not in written


def test_the_table_names_the_frames_a_good_mean_hides():
    """A network ahead on the mean can still damage a photo: the table says how many frames
    lose against amplify only and which loses most, on GT-mean PSNR and on SSIM."""
    frames = {"lol/1.png": {"none": dict(psnr_gt_mean=24.0, ssim=0.80), "net": dict(psnr_gt_mean=25.5, ssim=0.82)},
              "lol/2.png": {"none": dict(psnr_gt_mean=22.0, ssim=0.70), "net": dict(psnr_gt_mean=21.2, ssim=0.71)},
              "sice/3.png": {"none": dict(psnr_gt_mean=23.0, ssim=0.75), "net": dict(psnr_gt_mean=23.1, ssim=0.69)}}
    assert ship_rule.worst_frames({"frames": frames}, "net") == \
        "1 of 3 lose; worst -0.80 dB (lol/2.png), SSIM -0.060 (sice/3.png)"
    assert ship_rule.worst_frames({"frames": frames}, "none") == ""
    assert ship_rule.worst_frames({}, "net") == ""   # a JSON without per-frame scores


def test_a_held_network_stays_experimental_with_what_its_pictures_show(tmp_path):
    import json
    good = dict(psnr=21.0, ssim=0.80, psnr_gt_mean=25.0, brightness=1.0, seconds_per_image=1.0)
    summary = {"sets": {"all": figures(held=dict(good), free=dict(good))}}
    for m in summary["sets"]["all"].values():
        m.setdefault("brightness", 1.0)
        m.setdefault("seconds_per_image", 0.1)
    srgb = tmp_path / "realdev.json"
    srgb.write_text(json.dumps(summary))
    for net_id in ("held", "free"):
        (tmp_path / f"{net_id}.json").write_text(json.dumps({"id": net_id, "input_kind": "srgb", "trained": True}))
    holds = tmp_path / "holds.json"
    holds.write_text(json.dumps({"held": "smears bright texture into grey blotches"}))
    assert ship_rule.main(["--srgb", str(srgb), "--models", str(tmp_path), "--holds", str(holds), "--write"]) == 0
    held = json.loads((tmp_path / "held.json").read_text())
    assert held["experimental"] is True
    assert "passes the figures" in held["experimental_reason"]
    assert held["experimental_reason"].endswith("smears bright texture into grey blotches")
    assert json.loads((tmp_path / "free.json").read_text())["experimental"] is False
    # A hold never makes a failing network look better than its figures.
    ships, reason = ship_rule.verdict(figures(held=dict(psnr=1.0, ssim=0.1, psnr_gt_mean=1.0)), "held",
                                      {"held": "x"})
    assert not ships and "does not beat" in reason
