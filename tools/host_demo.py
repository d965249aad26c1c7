"""Run the generated C of the sine model on the host for a sweep of x and compare with sin(x)."""
import math
import sys

import numpy as np

from platformio_tinyml.targets.hostrun import HostModel


def main(model: str) -> int:
    with HostModel(model, name="hello_world") as hm:
        t_in, t_out = hm.inputs[0], hm.outputs[0]
        print(f"{'x':>8} {'model y':>10} {'sin(x)':>10}")
        worst = 0.0
        for x in np.linspace(0.0, 2 * math.pi, 13):
            if t_in.quantized:
                q = np.clip(np.round(x / t_in.q_scale) + t_in.q_zero_point, -128, 127)
                inp = np.array(q, dtype=t_in.np_dtype).reshape(t_in.shape)
            else:
                inp = np.array(x, dtype=t_in.np_dtype).reshape(t_in.shape)
            out = hm.run([inp])[0].reshape(-1)[0]
            y = (float(out) - t_out.q_zero_point) * t_out.q_scale if t_out.quantized else float(out)
            worst = max(worst, abs(y - math.sin(x)))
            print(f"{x:8.3f} {y:10.4f} {math.sin(x):10.4f}")
        print(f"max error: {worst:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
