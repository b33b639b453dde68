"""`make bench`: whole-process timings of `flash-schema check` beside its peers, as ratios.

Not a test: numbers depend on the machine. Each figure is the median of several runs of the
same command; peers run in the same session on the same files, so the ratios are what count.

Every Flash dialect is timed (``--flash-version`` picks one): its files sit below a pin file
naming its release, as in a real project, so `flash-schema check` detects the release itself, and
the peers read that dialect's schema.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
import tomllib
from collections.abc import Sequence
from pathlib import Path

import tomli_w

from flash_schema.dialects import DIALECTS, schema_file
from flash_schema.releases import dialect_release

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".bench"
BIN = Path(sys.executable).parent
#: Per dialect: a valid example config (the small file). Its exact release (the pin) is
#: schema/src/releases.toml's, through flash_schema.releases.
SMALL = {
    "0.2.43": ROOT / "examples" / "flash-0.2.43" / "sft.toml",
    "1.0": ROOT / "examples" / "flash-1.0" / "grpo.toml",
    "1.3": ROOT / "examples" / "sft.toml",
}


def schema_of(dialect: str) -> Path:
    return ROOT / "schema" / schema_file(dialect)


def big_config(small: Path, keys: int) -> str:
    """The small config with ``keys`` more entries in `[environment.params]` (one line each)."""
    data = tomllib.loads(small.read_text("utf-8"))
    params = data.setdefault("environment", {}).setdefault("params", {})
    params.update({f"option_{i:05d}": f"value number {i}" for i in range(keys)})
    return tomli_w.dumps(data)


def compile_package() -> None:
    """Byte-compile our code as an install would: the peers are timed from compiled site-packages."""
    import compileall

    for folder in (ROOT / "flash_schema", ROOT / "lsp" / "flash_schema_lsp"):
        compileall.compile_dir(str(folder), quiet=1)


def prepare(dialect: str) -> dict[str, list[Path]]:
    work = WORK / dialect
    if work.exists():
        shutil.rmtree(work)
    (work / "many").mkdir(parents=True)
    # A pin file, as a project has one: `flash-schema check` detects the release from it.
    (work / "requirements.txt").write_text(f"freesolo-flash=={dialect_release(dialect)}\n", "utf-8")
    small = work / "small.toml"
    shutil.copyfile(SMALL[dialect], small)
    many = []
    base = small.read_text("utf-8")
    for i in range(1000):
        p = work / "many" / f"config_{i:04d}.toml"
        p.write_text(f"{base}\n# copy {i}\n", "utf-8")
        many.append(p)
    big = work / "big-5000-lines.toml"
    text = big_config(small, 0)
    big.write_text(big_config(small, 5000 - text.count("\n")), "utf-8")
    k4 = work / "keys-4000.toml"
    k4.write_text(big_config(small, 4000), "utf-8")
    k8 = work / "keys-8000.toml"
    k8.write_text(big_config(small, 8000), "utf-8")
    check_inputs(dialect, [small, many[0], big, k4, k8])
    return {
        "one small file": [small],
        "1,000 files": many,
        "5,000-line file": [big],
        "4,000 keys": [k4],
        "8,000 keys": [k8],
    }


def check_inputs(dialect: str, files: list[Path]) -> None:
    """Every input is valid for its release, and detected as that release (else the figures mean nothing)."""
    done = subprocess.run(
        [str(BIN / "flash-schema"), "check", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):
        sys.exit(f"bench: flash-schema check failed on the inputs:\n{done.stderr}")
    for report in json.loads(done.stdout)["files"]:
        if report["flash_version"]["dialect"] != dialect or not report["valid"]:
            sys.exit(f"bench: {report['path']} is not a valid Flash {dialect} config: {report}")


def tools(dialect: str) -> dict[str, list[str]]:
    schema = str(schema_of(dialect))
    return {
        "flash-schema": [str(BIN / "flash-schema"), "check", "-q"],
        "check-jsonschema": [str(BIN / "check-jsonschema"), "--schemafile", schema],
        "floor (tomllib+jsonschema)": [sys.executable, str(ROOT / "bench" / "floor.py"), schema],
    }


def timed(cmd: Sequence[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench(dialect: str, runs_per_figure: int) -> bool:
    """Time every input of ``dialect`` with every tool; print the table and the targets; True if all met."""
    inputs = prepare(dialect)
    cmds = tools(dialect)
    results: dict[tuple[str, str], float] = {}
    for label, files in inputs.items():
        runs = max(5, runs_per_figure // 3) if len(files) > 1 else runs_per_figure
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
    print(f"Flash {dialect} (pinned {dialect_release(dialect)}, schema {schema_of(dialect).name})")
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
    print()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="runs per figure (median taken)")
    parser.add_argument(
        "--flash-version", choices=(*DIALECTS, "all"), default="all", help="the dialect to time (default: every one)"
    )
    args = parser.parse_args()
    compile_package()
    dialects = DIALECTS if args.flash_version == "all" else (args.flash_version,)
    results = [bench(dialect, args.runs) for dialect in dialects]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
