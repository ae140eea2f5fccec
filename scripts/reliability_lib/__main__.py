"""python3 -m reliability_lib --binary PLAN [--trials N] [--quick] — see scripts/reliability."""
import argparse
import json
import os
import sys
import time

from . import cluster as clusters
from . import fuzz, hostile, races, report, trials


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--fuzz-binary")
    parser.add_argument("--libfuzzer-binary")
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", default="kill,terminate,restart,race,fuzz,hostile")
    parser.add_argument("--doc", default=os.path.join(clusters.ROOT, "docs", "RELIABILITY.md"))
    args = parser.parse_args()
    quick = args.quick
    kill_trials = 10 if quick else args.trials
    server_trials = 5 if quick else max(25, args.trials // 8)
    race_reps = 3 if quick else 50
    fuzz_seconds = 20 if quick else 60
    only = set(args.only.split(","))
    work = os.path.join(clusters.ROOT, ".tmp", "reliability")
    os.makedirs(work, exist_ok=True)
    results = {"started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "quick": quick, "seed": args.seed}

    main_cluster = clusters.Cluster("reliability")
    try:
        for key, cls, count, cl in (("kill", trials.KillSuite, kill_trials, main_cluster),
                                     ("terminate", trials.TerminateSuite, server_trials, main_cluster)):
            if key not in only:
                continue
            suite = cls(key, cl, args.binary, os.path.join(work, key), args.seed)
            run_suite(suite, count, key)
            results[key] = trials.summarize(suite)
            results[key]["reference_seconds"] = round(suite.duration, 2)
        if "race" in only:
            suite = trials.Suite("race", main_cluster, args.binary, os.path.join(work, "race"), args.seed)
            suite.reference()
            statuses, failures = [], []
            started = time.time()
            for rep in range(race_reps):
                s, problems = races.race(main_cluster, suite.runner, suite.names)
                statuses += s
                if problems:
                    failures.append({"repetition": rep, "problems": problems[:3]})
                print(f"race {rep + 1}/{race_reps}: exits {sorted(set(map(str, s)))} {'OK' if not problems else problems[:2]}",
                      flush=True)
            results["race"] = {"repetitions": race_reps, "runners": 16, "exits": {str(k): statuses.count(k) for k in set(statuses)},
                               "failed": len(failures), "failures": failures[:5], "seconds": round(time.time() - started),
                               "notes": suite.notes}
        if "hostile" in only:
            results["hostile"] = hostile.run_all(args.binary, main_cluster, os.path.join(work, "hostile"))
    finally:
        main_cluster.stop()

    if "restart" in only:
        restart_cluster = clusters.Cluster("reliability-restart")
        try:
            suite = trials.RestartSuite("restart", restart_cluster, args.binary, os.path.join(work, "restart"), args.seed)
            run_suite(suite, server_trials, "restart")
            results["restart"] = trials.summarize(suite)
            results["restart"]["reference_seconds"] = round(suite.duration, 2)
        finally:
            restart_cluster.stop()

    if "fuzz" in only and args.fuzz_binary:
        results["fuzz"] = fuzz.run(args.fuzz_binary, args.libfuzzer_binary, fuzz_seconds, args.seed, work)

    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump(results, f, indent=2, default=str)
    report.write(results, args.doc)
    print(report.table(results))
    failed = sum(results.get(k, {}).get("failed", 0) for k in ("kill", "terminate", "restart", "race", "fuzz", "hostile"))
    sys.exit(1 if failed else 0)


def run_suite(suite, count, label):
    suite.reference()
    print(f"{label}: uninterrupted run takes {suite.duration:.2f}s; {count} trials", flush=True)
    for index in range(count):
        problems = suite.trial(index)
        last = suite.results[-1]
        if problems or (index + 1) % 10 == 0 or index + 1 == count:
            failed = sum(1 for r in suite.results if r["problems"])
            print(f"{label} {index + 1}/{count}: {failed} failed so far; last: {last['fault']} at {last['delay']}s, "
                  f"first exit {last['first_exit']}, actions {last['actions']}", flush=True)
        if problems:
            print("  " + "\n  ".join(problems[:3]), flush=True)


if __name__ == "__main__":
    main()
