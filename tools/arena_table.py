"""Print the README's memory table: our arena and lower bound beside TFLM's smallest arena."""
import glob
import os
import sys

from platformio_tinyml.api import inspect_model
from platformio_tinyml.cli import _manifest_arena


def main(models_dir: str) -> int:
    print("| model | operators | weights B | arena B | lower bound B | TFLM smallest arena B (recorded) |")
    print("|---|---:|---:|---:|---:|---:|")
    for path in sorted(glob.glob(os.path.join(models_dir, "*.tflite"))):
        info = inspect_model(path)
        tflm = _manifest_arena(path)
        t = f"{tflm['kib'] * 1024:,} ({tflm['recorded']:,})" if tflm and tflm["recorded"] else "n/a"
        name = os.path.basename(path)
        if "error" in info:
            print(f"| {name} | {len(info['ops'])} | — | — | — | {t} — not converted: {info['error'].split(': ', 1)[-1][:90]}… |")
            continue
        print(f"| {name} | {len(info['ops'])} | {info['weight_bytes']:,} | {info['arena_bytes']:,} | "
              f"{info['lower_bound']:,} | {t} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared", "models")))
