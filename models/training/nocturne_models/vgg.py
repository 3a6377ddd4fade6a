"""VGG-19 feature extractor up to relu5_4 for the BA-GAN content loss (DPED convention).

DEVIATION, READ THIS: the content loss of DPED / the brightness-attention GAN uses ImageNet-
pretrained VGG-19 weights. Nothing can be downloaded in this environment, so unless
`weights_path` is given the extractor is a RANDOMLY INITIALISED VGG-19 with a fixed seed
(deterministic across runs and machines for a given PyTorch version's RNG). A random deep
conv net still yields a perceptual-style feature loss, but it is NOT the published loss:
results trained this way are not comparable with the paper. To use the real one, pass a
torchvision-format state dict ("features.<i>.weight/bias", .pth/.pt via torch.load, or a .npz
written by `checkpoint.save_npz`) with normalisation="torchvision" for torchvision weights or
"dped" for the Caffe/MatConvNet weights DPED uses (x*255 minus the VGG mean pixel).
"""
from typing import Optional

import numpy as np
import torch
import torch.nn as nn

# Layer indices match torchvision's vgg19().features; relu5_4 is index 35.
_CFG = (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M",
        512, 512, 512, 512, "M", 512, 512, 512, 512)
_DPED_MEAN = (123.68, 116.779, 103.939)
_TV_MEAN = (0.485, 0.456, 0.406)
_TV_STD = (0.229, 0.224, 0.225)


class VGG19Features(nn.Module):
    def __init__(self, weights_path: Optional[str] = None, seed: int = 19,
                 normalisation: str = "dped"):
        super().__init__()
        if normalisation not in ("dped", "torchvision"):
            raise ValueError("normalisation must be 'dped' or 'torchvision'")
        layers = []
        cin = 3
        for v in _CFG:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(cin, v, 3, padding=1), nn.ReLU(inplace=False)]
                cin = v
        self.features = nn.Sequential(*layers)
        self.normalisation = normalisation
        self.pretrained = weights_path is not None
        if weights_path is None:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                for m in self.features:
                    if isinstance(m, nn.Conv2d):
                        nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
                        nn.init.zeros_(m.bias)
        else:
            self._load(weights_path)
        for p in self.parameters():
            p.requires_grad_(False)
        self.eval()

    def _load(self, path: str) -> None:
        if path.endswith(".npz"):
            with np.load(path, allow_pickle=False) as d:
                state = {k: torch.from_numpy(np.array(d[k])) for k in d.files}
        else:
            state = torch.load(path, map_location="cpu")
            if isinstance(state, nn.Module):
                state = state.state_dict()
        state = {k: v for k, v in state.items() if k.startswith("features.")
                 and int(k.split(".")[1]) < len(self.features)}
        missing = [k for k in self.state_dict() if k not in state]
        if missing:
            raise KeyError(f"{path}: VGG-19 weights lack {missing[:4]}; expected a torchvision-"
                           "format state dict with features.<i>.weight/bias")
        self.load_state_dict(state)

    def train(self, mode: bool = True) -> "VGG19Features":
        return super().train(False)  # frozen feature extractor

    def forward(self, rgb01: torch.Tensor) -> torch.Tensor:
        """rgb01: (B,3,H,W) in [0,1]; returns relu5_4 features."""
        if self.normalisation == "dped":
            mean = rgb01.new_tensor(_DPED_MEAN).view(1, 3, 1, 1)
            x = rgb01 * 255.0 - mean
        else:
            x = (rgb01 - rgb01.new_tensor(_TV_MEAN).view(1, 3, 1, 1)) / \
                rgb01.new_tensor(_TV_STD).view(1, 3, 1, 1)
        return self.features(x)
