"""Runs plan-fuzz (seeded random mutation, and the libFuzzer build when scripts/fuzz made one)
on the loader and the lexer for a fixed budget each."""
import json
import os
import subprocess

from .cluster import ROOT

CORPUS = ["Tests/PlanModelTests/Fixtures", "Tests/SQLTests/Corpus", "examples", "plans"]


def run(binary, libfuzzer_binary, seconds, seed, work):
    results = {"targets": {}, "failed": 0, "inputs": 0}
    artifacts = os.path.join(work, "fuzz-artifacts")
    for target in ("loader", "lexer"):
        entry = {}
        try:
            out = subprocess.run([binary, "random", "--target", target, "--seconds", str(seconds), "--seed", str(seed),
                                  "--artifacts", artifacts, *CORPUS], cwd=ROOT, capture_output=True, text=True,
                                 timeout=seconds + 120)
            line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "{}"
            entry["random"] = json.loads(line) if line.startswith("{") else {}
            entry["random"]["exit"] = out.returncode
            if out.returncode != 0:
                entry["random"]["stderr"] = out.stderr[-1500:]
                results["failed"] += 1
            results["inputs"] += entry["random"].get("inputs", 0)
        except subprocess.TimeoutExpired:
            entry["random"] = {"exit": "hang"}
            results["failed"] += 1
        if libfuzzer_binary and os.path.exists(libfuzzer_binary):
            corpus_dir = os.path.join(work, f"libfuzzer-corpus-{target}")
            os.makedirs(corpus_dir, exist_ok=True)
            try:
                out = subprocess.run([libfuzzer_binary, "libfuzzer", "--target", target, f"-max_total_time={seconds}",
                                      "-timeout=10", "-rss_limit_mb=2048", f"-seed={seed}", f"-artifact_prefix={artifacts}/",
                                      corpus_dir, *CORPUS], cwd=ROOT, capture_output=True, text=True,
                                     timeout=seconds + 300)
                runs = [l for l in out.stderr.splitlines() if l.startswith("Done ")]
                executed = int(runs[-1].split()[1]) if runs else 0
                entry["libfuzzer"] = {"exit": out.returncode, "runs": executed}
                results["inputs"] += executed
                if out.returncode != 0:
                    entry["libfuzzer"]["stderr"] = out.stderr[-2500:]
                    results["failed"] += 1
            except subprocess.TimeoutExpired:
                entry["libfuzzer"] = {"exit": "hang"}
                results["failed"] += 1
        results["targets"][target] = entry
    results["seconds_per_target"] = seconds
    return results
