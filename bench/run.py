"""`make bench`: whole-process timings of `flash-schema check` beside its peers, as ratios.

Not a test: numbers depend on the machine. Each figure is the median of several runs of the
same command; peers run in the same session on the same files, so the ratios are what count.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".bench"
SCHEMA = ROOT / "schema" / "flash.schema.json"
BIN = Path(sys.executable).parent

HEADER = 'model = "Qwen/Qwen3.5-4B"\nalgorithm = "grpo"\n\n[environment]\nid = "your-org/your-env"\n\n'


def big_config(keys: int, table: str = "environment.params") -> str:
    lines = [HEADER, "[train]\nsteps = 300\nlora_rank = 32\n\n", f"[{table}]\n"]
    lines += [f'option_{i:05d} = "value number {i}"\n' for i in range(keys)]
    return "".join(lines)


def compile_package() -> None:
    """Byte-compile our code as an install would: the peers are timed from compiled site-packages."""
    import compileall

    for folder in (ROOT / "flash_schema", ROOT / "lsp" / "flash_schema_lsp"):
        compileall.compile_dir(str(folder), quiet=1)


def prepare() -> dict[str, list[Path]]:
    compile_package()
    if WORK.exists():
        shutil.rmtree(WORK)
    (WORK / "many").mkdir(parents=True)
    small = ROOT / "examples" / "sft.toml"
    many = []
    base = small.read_text("utf-8")
    for i in range(1000):
        p = WORK / "many" / f"config_{i:04d}.toml"
        p.write_text(base.replace("lora_rank = 32", f"lora_rank = {1 + i % 64}"), "utf-8")
        many.append(p)
    big = WORK / "big-5000-lines.toml"
    big.write_text(big_config(4985), "utf-8")
    k4 = WORK / "keys-4000.toml"
    k4.write_text(big_config(4000), "utf-8")
    k8 = WORK / "keys-8000.toml"
    k8.write_text(big_config(8000), "utf-8")
    return {
        "one small file": [small],
        "1,000 files": many,
        "5,000-line file": [big],
        "4,000 keys": [k4],
        "8,000 keys": [k8],
    }


def tools() -> dict[str, list[str]]:
    return {
        "flash-schema": [str(BIN / "flash-schema"), "check", "-q"],
        "check-jsonschema": [str(BIN / "check-jsonschema"), "--schemafile", str(SCHEMA)],
        "floor (tomllib+jsonschema)": [sys.executable, str(ROOT / "bench" / "floor.py"), str(SCHEMA)],
    }


def timed(cmd: Sequence[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="runs per figure (median taken)")
    args = parser.parse_args()
    inputs = prepare()
    cmds = tools()
    results: dict[tuple[str, str], float] = {}
    for label, files in inputs.items():
        runs = max(5, args.runs // 3) if len(files) > 1 else args.runs
        argv = {name: [*cmd, *map(str, files)] for name, cmd in cmds.items()}
        samples: dict[str, list[float]] = {name: [] for name in cmds}
        for name in cmds:  # warm the page cache for everyone before timing anyone
            subprocess.run(argv[name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        # Round-robin: each round times every tool once, so machine load drifts onto all of them alike.
        for _ in range(runs):
            for name in cmds:
                samples[name].append(timed(argv[name], 1))
        for name in cmds:
            results[(label, name)] = statistics.median(samples[name])
    print(f"{'input':<18} " + " ".join(f"{n:>28}" for n in cmds))
    for label in inputs:
        print(f"{label:<18} " + " ".join(f"{results[(label, n)] * 1000:>25.1f} ms" for n in cmds))
    ours = "flash-schema"
    cjs = "check-jsonschema"
    floor = "floor (tomllib+jsonschema)"

    def ratio(label: str, other: str) -> float:
        return results[(label, ours)] / results[(label, other)]

    checks = [
        ("one file vs check-jsonschema", ratio("one small file", cjs), 0.55),
        ("one file vs floor", ratio("one small file", floor), 1.25),
        ("1,000 files vs check-jsonschema", ratio("1,000 files", cjs), 0.60),
        ("5,000 lines vs floor", ratio("5,000-line file", floor), 1.50),
        ("8,000 keys / 4,000 keys (ours)", results[("8,000 keys", ours)] / results[("4,000 keys", ours)], 2.30),
    ]
    print()
    ok = True
    for name, value, target in checks:
        verdict = "ok" if value <= target else "MISSED"
        ok &= value <= target
        print(f"{name:<34} {value:6.2f}x  (target <= {target:.2f}x)  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
