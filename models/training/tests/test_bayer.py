import pytest
import torch
import torch.nn.functional as F

from nocturne_models.common import (channel_shuffle, pack_bayer, pad_to_multiple,
                                    pixel_unshuffle, unpack_bayer)

R, G, B = 1.0, 2.0, 3.0


def _mosaic(pattern, h=6, w=8):
    tile = {"R": R, "G": G, "B": B}
    m = torch.zeros(h, w)
    for y in range(h):
        for x in range(w):
            m[y, x] = tile[pattern[(y % 2) * 2 + (x % 2)]]
    return m


@pytest.mark.parametrize("pattern", ["RGGB", "BGGR", "GRBG", "GBRG"])
def test_pack_bayer_puts_each_colour_in_its_sid_plane(pattern):
    m = _mosaic(pattern)
    packed = pack_bayer(m[None, None], pattern)[0]
    assert packed.shape == (4, 3, 4)
    assert torch.all(packed[0] == R)
    assert torch.all(packed[1] == G)
    assert torch.all(packed[2] == B)
    assert torch.all(packed[3] == G)


@pytest.mark.parametrize("pattern", ["RGGB", "BGGR", "GRBG", "GBRG"])
def test_pack_bayer_green_planes_follow_the_red_and_blue_rows(pattern):
    m = _mosaic(pattern)
    # tag every site with its row parity so the two greens can be told apart
    rows = torch.arange(m.shape[0]).float()[:, None].expand_as(m) % 2
    tagged = m * 10 + rows
    packed = pack_bayer(tagged, pattern)
    red_row = pattern.index("R") // 2
    assert torch.all(packed[1] == G * 10 + red_row)
    assert torch.all(packed[3] == G * 10 + (1 - red_row))


@pytest.mark.parametrize("pattern", ["RGGB", "BGGR", "GRBG", "GBRG"])
def test_unpack_inverts_pack(pattern):
    m = torch.rand(2, 1, 8, 10)
    assert torch.equal(unpack_bayer(pack_bayer(m, pattern), pattern), m)


def test_pack_bayer_rejects_odd_sizes_and_unknown_patterns():
    with pytest.raises(ValueError):
        pack_bayer(torch.rand(5, 6))
    with pytest.raises(ValueError):
        pack_bayer(torch.rand(6, 6), "RGBG")


def test_reflect_padding_keeps_cfa_phase():
    m = _mosaic("RGGB", 38, 46)[None, None]
    padded = pad_to_multiple(m, 32)
    assert padded.shape[-2:] == (64, 64)
    assert torch.equal(padded, _mosaic("RGGB", 64, 64)[None, None])


def test_pixel_unshuffle_matches_torch_order():
    x = torch.rand(2, 3, 8, 12)
    assert torch.equal(pixel_unshuffle(x, 2), F.pixel_unshuffle(x, 2))
    assert torch.equal(pixel_unshuffle(x, 4), F.pixel_unshuffle(x, 4))


def test_channel_shuffle_interleaves_two_groups():
    x = torch.arange(6.0).view(1, 6, 1, 1)
    assert channel_shuffle(x, 2).flatten().tolist() == [0, 3, 1, 4, 2, 5]
