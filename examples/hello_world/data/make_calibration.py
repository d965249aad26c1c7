"""Write calibration.npy: representative inputs for quantizing models/hello_world_float.tflite.

The sine model's input is x in [0, 2*pi]; 200 values drawn uniformly (seeded, so the file is
reproducible), shaped [N, 1, 1] like the model's [1, 1] input.

    python data/make_calibration.py
"""
import os

import numpy as np

x = np.random.default_rng(0).uniform(0.0, 2 * np.pi, (200, 1, 1)).astype(np.float32)
np.save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "calibration.npy"), x)
