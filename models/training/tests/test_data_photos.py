"""Photo curation helpers and the committed manifest (nocturne_data.photo_select, photos)."""
import json
import os

import numpy as np
import pytest

from nocturne_data import photo_select as sel
from nocturne_data import photos as ph


def natural_like(seed=0, h=300, w=400):
    """Smooth colour field + fine texture + noise: what the score calls photographic."""
    from PIL import Image
    rng = np.random.default_rng(seed)
    low = (rng.random((6, 8, 3)) * 255).astype(np.uint8)
    base = np.asarray(Image.fromarray(low).resize((w, h), Image.BICUBIC), dtype=np.float64)
    img = 0.8 * base + rng.normal(0, 12, (h, w, 3)) + 20
    return np.clip(img, 0, 255).astype(np.uint8)


def flat_illustration(h=300, w=400):
    img = np.zeros((h, w, 3), dtype=np.uint8)
    img[:, : w // 2] = (200, 30, 40)
    img[:, w // 2:] = (20, 90, 200)
    img[h // 3: h // 2, w // 4: w // 3] = (250, 220, 0)
    return img


def test_photo_score_separates_photo_from_flat_art():
    photo = sel.photo_features(natural_like())
    art = sel.photo_features(flat_illustration())
    assert photo.score >= sel.PHOTO_SCORE_MIN > art.score
    assert art.flat_fraction > 0.9


def test_grayscale_scores_zero():
    g = natural_like()[..., :1].repeat(3, axis=2)
    assert sel.photo_features(g).score == 0.0


def test_duplicates_found_across_resolutions_largest_kept():
    from PIL import Image
    a = natural_like(1)
    small = np.asarray(Image.fromarray(a).resize((200, 150), Image.BILINEAR))
    other = natural_like(2)
    sigs = [sel.thumbnail_signature(x) for x in (small, a, other)]
    dups = sel.find_duplicates(sigs, [200 * 150, 400 * 300, 400 * 300])
    assert dups == {0: 1}


@pytest.mark.parametrize("path,word", [
    ("usr/share/backgrounds/mate/abstract/Flow.png", "abstract"),
    ("usr/share/plymouth/themes/joy/logo.png", "logo"),
    ("usr/share/backgrounds/mate/nature/Dune.jpg", None),
])
def test_name_deny_list(path, word):
    assert sel.denied_by_name(path) == word


def test_split_rule_is_deterministic_and_holds_out_packages():
    assert sel.split_for(sel.TEST_PACKAGES[0], "f" * 64) == "test"
    counts = {"train": 0, "val": 0, "test": 0}
    for i in range(2000):
        h = f"{(i * 2654435761) % (1 << 32):08x}" + "0" * 56
        s = sel.split_for("some-package", h)
        assert s == sel.split_for("some-package", h)
        counts[s] += 1
    assert 0.10 < counts["test"] / 2000 < 0.20 and 0.10 < counts["val"] / 2000 < 0.20


@pytest.mark.skipif(not os.path.exists(ph.MANIFEST_PATH), reason="photos.json not generated")
def test_committed_manifest_is_consistent():
    m = ph.load_manifest()
    assert m["split_rule"] == sel.SPLIT_RULE
    keys = set()
    for p in m["photos"]:
        assert set(p) >= {"package", "path", "width", "height", "sha256", "split"}
        assert p["split"] == sel.split_for(p["package"], p["sha256"])
        assert len(p["sha256"]) == 64 and p["package"] in m["packages"]
        keys.add((p["package"], p["path"]))
    assert len(keys) == len(m["photos"])
    assert len({p["sha256"] for p in m["photos"]}) == len(m["photos"])
    assert {p["split"] for p in m["photos"]} == {"train", "val", "test"}
    with open(ph.CURATION_PATH, encoding="utf-8") as f:
        cur = json.load(f)
    assert not set(cur["allow"]) & set(cur["deny"])


@pytest.mark.skipif(not ph.cache_available(), reason="photo cache absent: run fetch_photos.py")
def test_cached_photos_match_manifest():
    for p in ph.load_manifest()["photos"][:5]:
        assert sel.sha256_file(ph.photo_file(p)) == p["sha256"]
        assert ph.image_size(ph.photo_file(p)) == (p["width"], p["height"])


def test_the_bundled_samples_photo_is_in_no_split():
    """resources/samples is made from a packaged photo; it must never be trained (or validated)
    on, so the sample shows what the networks do to pixels they have not seen."""
    reserved = ph.reserved_sha256()
    assert len(reserved) == 1
    manifest = ph.load_manifest()
    for split in ph.SPLITS:
        assert not reserved & {p["sha256"] for p in ph.photos_for_split(split, manifest)}
    # Also when a manifest puts it in the training split (a re-curation could).
    sha = next(iter(reserved))
    forged = {"photos": [{"sha256": sha, "split": "train", "path": "x.jpg", "package": "p"},
                         {"sha256": "0" * 64, "split": "train", "path": "y.jpg", "package": "p"}]}
    assert [p["path"] for p in ph.photos_for_split("train", forged)] == ["y.jpg"]
