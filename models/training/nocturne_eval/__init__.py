"""Held-out evaluation set writers (minimal DNG and 16-bit PNG) for make_testset.py."""
