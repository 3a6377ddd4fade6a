"""Shared set-up: two torch threads and a fixed seed per test. models/training is put on
sys.path by pyproject.toml ([tool.pytest.ini_options] pythonpath), not here."""
import pytest
import torch

torch.set_num_threads(2)


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(1234)
