"""Training configs are typed (nocturne_train.config.TrainConfig): every shipped config loads,
a misspelt key anywhere is refused with the key, the file and a suggestion, values of the wrong
type are refused, and keys a file leaves out take their defaults."""
import glob
import json
import os

import pytest

from nocturne_train import load_config
from nocturne_train.config import TrainConfig

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIGS = sorted(glob.glob(os.path.join(HERE, "configs", "*.json")))
MINIMAL = {"network": "lamba-mitra", "loss": "lamba"}


def shipped(name: str) -> dict:
    with open(os.path.join(HERE, "configs", name), encoding="utf-8") as f:
        return json.load(f)


def write(tmp_path, raw: dict) -> str:
    path = tmp_path / "typo.json"
    path.write_text(json.dumps(raw))
    return str(path)


def refused(tmp_path, raw: dict) -> str:
    with pytest.raises(ValueError) as e:
        load_config(write(tmp_path, raw))
    message = str(e.value)
    assert "typo.json" in message
    return message


@pytest.mark.parametrize("path", CONFIGS, ids=[os.path.basename(p)[:-5] for p in CONFIGS])
def test_every_shipped_config_loads_and_keeps_its_values(path):
    cfg = load_config(path)
    assert isinstance(cfg, TrainConfig) and cfg.source == path
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    # Every value in the file arrives unchanged (an int where a float is due compares equal).
    for key, value in raw.items():
        got = getattr(cfg, key)
        if isinstance(value, dict):
            for sub, v in value.items():
                assert (getattr(got, sub) if hasattr(got, "__dataclass_fields__")
                        else got[sub]) == v, f"{key}.{sub}"
        else:
            assert got == value, key


def test_misspelt_top_level_key_is_named_with_a_suggestion(tmp_path):
    message = refused(tmp_path, dict(shipped("neid.json"), chekpoint_every=50))
    assert "unknown key 'chekpoint_every'" in message
    assert "did you mean 'checkpoint_every'?" in message
    assert "max_wall_s" in message  # the valid keys are listed


@pytest.mark.parametrize("section,typo,meant", [
    ("schedule", "minlr", "min_lr"),
    ("optimiser", "betass", "betas"),
    ("validation", "evry", "every"),
    ("gan", "adv_strat", "adv_start"),
])
def test_misspelt_nested_key_is_named_by_its_path(tmp_path, section, typo, meant):
    raw = dict(shipped("ba-gan-base.json"))
    raw[section] = dict(raw[section], **{typo: 1})
    message = refused(tmp_path, raw)
    assert f"unknown key '{section}.{typo}'" in message
    assert f"did you mean '{meant}'?" in message


@pytest.mark.parametrize("edit,path,meant", [
    (lambda r: r["data"]["pair_kwargs"]["jpeg"].update(noise_reducton=1.0),
     "data.pair_kwargs.jpeg.noise_reducton", "noise_reduction"),
    (lambda r: r["model_kwargs"].update(attention_haed="input"),
     "model_kwargs.attention_haed", "attention_head"),
    (lambda r: r["loss_kwargs"].update(ssim_wieght=0.5), "loss_kwargs.ssim_wieght", "ssim_weight"),
])
def test_misspelt_pass_through_argument_is_refused_at_load(tmp_path, edit, path, meant):
    raw = shipped("ba-gan.json")
    edit(raw)
    message = refused(tmp_path, raw)
    assert f"unknown key '{path}'" in message and f"did you mean '{meant}'?" in message


def test_gan_weights_and_pair_modes_are_checked(tmp_path):
    raw = shipped("ba-gan-base.json")
    raw["gan"]["weights"]["w_atention"] = 1.0
    assert "did you mean 'w_attention'?" in refused(tmp_path, raw)
    raw = dict(MINIMAL, data={"modes": {"raw": 1.0}, "pair_kwargs": {"jepg": {"lights": 0.5}}})
    assert "'data.pair_kwargs' must be one of" in refused(tmp_path, raw)
    raw = dict(MINIMAL, loss_kwargs={"ssim_weight": 0.5})
    assert "takes no 'loss_kwargs'" in refused(tmp_path, raw)


@pytest.mark.parametrize("edit,expected", [
    ({"crop": "256"}, "'crop' must be an integer, got a string ('256')"),
    ({"crop": 256.0}, "'crop' must be an integer, got a number (256.0)"),
    ({"batch": True}, "'batch' must be an integer, got a boolean (True)"),
    ({"optimiser": {"lr": "1e-4"}}, "'optimiser.lr' must be a number"),
    ({"optimiser": {"betas": 0.9}}, "'optimiser.betas' must be a list"),
    ({"optimiser": {"betas": [0.9, "x"]}}, "'optimiser.betas[1]' must be a number"),
    ({"schedule": {"by_wall": 1}}, "'schedule.by_wall' must be true or false"),
    ({"data": {"modes": {"raw": "1"}}}, "'data.modes.raw' must be a number"),
    ({"validation": [100]}, "'validation' must be a JSON object, got a list"),
    ({"device": 0}, "'device' must be a string"),
])
def test_wrong_types_are_refused(tmp_path, edit, expected):
    assert expected in refused(tmp_path, dict(MINIMAL, **edit))


def test_required_keys_and_value_checks(tmp_path):
    assert "'network' is required" in refused(tmp_path, {"loss": "lamba"})
    assert "'schedule.kind' must be one of" in refused(
        tmp_path, dict(MINIMAL, schedule={"kind": "cosin"}))
    assert "'autocast' must be one of" in refused(tmp_path, dict(MINIMAL, autocast="fp16"))
    # What the loader fills in is not a key a file may set.
    assert "unknown key 'source'" in refused(tmp_path, dict(MINIMAL, source="x.json"))
    path = tmp_path / "typo.json"
    path.write_text('{"network": "neid", "loss": "neid", "crop": 128, "crop": 256}')
    with pytest.raises(ValueError, match="key 'crop' appears twice"):
        load_config(str(path))


def test_missing_keys_take_the_defaults(tmp_path):
    cfg = load_config(write(tmp_path, dict(MINIMAL, optimiser={"lr": 1}, max_wall_s=480)))
    assert (cfg.crop, cfg.batch, cfg.steps, cfg.seed, cfg.device) == (256, 4, 1000, 0, "cpu")
    assert cfg.optimiser.betas == [0.9, 0.999]  # a partial section keeps the other defaults
    assert cfg.optimiser.lr == 1.0 and isinstance(cfg.optimiser.lr, float)
    assert cfg.max_wall_s == 480.0 and isinstance(cfg.max_wall_s, float)
    assert cfg.schedule.kind == "constant" and cfg.data.modes == {"raw": 1.0}
    assert (cfg.validation.every, cfg.validation.count, cfg.validation.modes) == (100, 8, [])
    assert cfg.gan.gp_weight == 10.0 and cfg.gan.spectral_norm is True
    assert cfg.warm_start is None and cfg.model_kwargs == {} and cfg.autocast == ""
    # data.modes is replaced as a whole: shares are not merged into the default's
    cfg = load_config(write(tmp_path, dict(MINIMAL, data={"modes": {"camera": 1.0}})))
    assert cfg.data.modes == {"camera": 1.0} and cfg.data.split == "train"


def test_code_cannot_set_a_misspelt_field():
    cfg = load_config(dict(MINIMAL))
    with pytest.raises(AttributeError, match="did you mean 'crop'"):
        cfg.corp = 64
    with pytest.raises(AttributeError, match="no field 'minlr'"):
        cfg.schedule.minlr = 0.1
