"""Runs the steps of a composite action.yml the way a GitHub runner does, for scripts/test-action.

    run-action.py ACTION_YML INPUTS_JSON

Each step's `${{ inputs.NAME }}` is replaced by the input (or its default), the step's env:
is added to the environment, working-directory is taken relative to GITHUB_WORKSPACE, and its
run: goes to `bash --noprofile --norc -eo pipefail` as GitHub's `shell: bash` does. Lines a
step appends to $GITHUB_PATH go in front of PATH for the steps after it. Any other expression
is refused rather than guessed. Exits with the first failing step's status.
"""
import json
import os
import re
import subprocess
import sys

import yaml

action_path, given = sys.argv[1], json.loads(sys.argv[2])
with open(action_path) as f:
    action = yaml.safe_load(f)
if action["runs"]["using"] != "composite":
    sys.exit("run-action: not a composite action")
inputs = {name: str(spec.get("default", "")) for name, spec in action.get("inputs", {}).items()}
for name, value in given.items():
    if name not in inputs:
        sys.exit(f"run-action: action.yml has no input {name!r}")
    inputs[name] = value

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def expand(text):
    def one(match):
        m = re.fullmatch(r"inputs\.([A-Za-z0-9_-]+)", match.group(1))
        if not m or m.group(1) not in inputs:
            sys.exit(f"run-action: unsupported expression {match.group(0)!r}")
        return inputs[m.group(1)]
    return EXPRESSION.sub(one, str(text))


env = dict(os.environ)
workspace = env["GITHUB_WORKSPACE"]
for step in action["runs"]["steps"]:
    name = step.get("name", step.get("run", "")[:40])
    if step.get("shell") != "bash" or "run" not in step:
        sys.exit(f"run-action: step {name!r}: only `shell: bash` run steps are supported")
    if "if" in step:
        sys.exit(f"run-action: step {name!r}: `if:` is not supported")
    step_env = dict(env)
    step_env.update({key: expand(value) for key, value in step.get("env", {}).items()})
    cwd = os.path.join(workspace, expand(step.get("working-directory", ".")))
    print(f"::group::{name}", flush=True)
    status = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step["run"])],
                            cwd=cwd, env=step_env).returncode
    print("::endgroup::", flush=True)
    if status != 0:
        print(f"run-action: step {name!r} failed with exit status {status}", file=sys.stderr)
        sys.exit(status)
    with open(env["GITHUB_PATH"]) as f:
        added = [line.strip() for line in f if line.strip()]
    env["PATH"] = os.pathsep.join(list(reversed(added)) + [os.environ["PATH"]])
