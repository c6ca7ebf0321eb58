#!/usr/bin/env python3
"""Create N pipelines one after another on the embedded stack and print create->Running, split into the time
spent inside the steps (each step's start to its completion, from the events: the external calls, plus the pick-up
of the step's deadline, at most one db-scheduler poll of 1 s) and the control plane's own overhead (the rest: Pending
checks, saga hand-offs between steps, command handling).

The first pipeline runs against a fresh Connect worker (install_plugin extracts Debezium and restarts the worker);
the others find the plugin installed.

usage: bench/provisioning.py [--pipelines N]     (starts and stops its own `bin/pipewright up`; bounded)
"""
import argparse
import base64
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime

STEPS = ["ensure_network", "install_plugin", "prepare_source", "create_publication", "create_connector"]
COMPLETED = {"PeeringEnsured": "ensure_network", "PluginInstalled": "install_plugin",
             "SourcePrepared": "prepare_source", "PublicationCreated": "create_publication",
             "ConnectorCreated": "create_connector"}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class Api:
    def __init__(self, up):
        self.base = up["api_url"]
        token = base64.b64encode(f'{up["username"]}:{up["password"]}'.encode()).decode()
        self.headers = {"Authorization": "Basic " + token, "Content-Type": "application/json"}

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=self.headers)
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"null")


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise SystemExit(f"gave up waiting for {what} after {timeout} s")


def measure(api, organization, source, sink, index):
    name = f"bench-{index}-{int(time.time())}"
    created = api.call("POST", f"/organizations/{organization}/pipelines", {
        "name": name, "pipeline_type": "cdc_pg_to_kafka", "source_service_id": source, "sink_service_id": sink,
        "config": {"tables": ["orders", "customers"], "topic_prefix": name}})
    pipeline = created["id"]

    def running():
        status = api.call("GET", f"/pipelines/{pipeline}/status")
        if status["status"] == "Failed":
            raise SystemExit(f"pipeline {name} failed: {status['error_message']}")
        return status["status"] == "Running"

    wait_for(running, 300, f"pipeline {name} to run")
    events = api.call("GET", f"/organizations/{organization}/pipelines/{pipeline}/events")
    started, steps, created_at, running_at = {}, {}, None, None
    for event in events:
        payload = event["payload"]
        if event["type"] == "PipelineCreated":
            created_at = instant(payload["created_at"])
        elif event["type"] == "ProvisionStepStarted":
            started[payload["step"].lower()] = instant(payload["started_at"])
        elif event["type"] in COMPLETED:
            step = COMPLETED[event["type"]]
            steps[step] = instant(payload["completed_at"]) - started[step]
        elif event["type"] == "PipelineRunning":
            running_at = instant(payload["at"])
    total = running_at - created_at
    external = sum(steps.values())
    return {"name": name, "total": total, "external": external, "overhead": total - external, "steps": steps}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pipelines", type=int, default=5)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="pipewright-bench-")
    log = open(os.path.join(work, "up.log"), "w")
    up = subprocess.Popen([os.path.join(ROOT, "bin", "pipewright"), "up", "--port", "0", "--work-dir", work],
                          cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        up_file = os.path.join(work, "up.json")
        wait_for(lambda: os.path.exists(up_file) or up.poll() is not None, 600, "bin/pipewright up")
        if up.poll() is not None:
            raise SystemExit(f"bin/pipewright up exited; see {log.name}")
        info = json.load(open(up_file))
        api = Api(info)
        source = info["services"]["source_postgresql"]["id"]
        sink = info["services"]["kafka"]["id"]
        results = [measure(api, info["organization_id"], source, sink, i) for i in range(args.pipelines)]
    finally:
        up.send_signal(signal.SIGTERM)
        up.wait(timeout=120)
    shutil.rmtree(work, ignore_errors=True)

    print(f"{'pipeline':<28}{'create->Running':>16}{'external':>10}{'overhead':>10}   "
          + " ".join(f"{step:>18}" for step in STEPS))
    for result in results:
        print(f"{result['name']:<28}{result['total']:>15.2f}s{result['external']:>9.2f}s{result['overhead']:>9.2f}s   "
              + " ".join(f"{result['steps'][step]:>17.2f}s" for step in STEPS))
    warm = results[1:] or results
    print()
    print(f"fresh worker (plugin installed by the first pipeline): {results[0]['total']:.2f} s "
          f"(external {results[0]['external']:.2f} s, overhead {results[0]['overhead']:.2f} s)")
    print(f"plugin already installed, {len(warm)} pipelines: mean {statistics.mean(r['total'] for r in warm):.2f} s, "
          f"external mean {statistics.mean(r['external'] for r in warm):.2f} s, "
          f"overhead mean {statistics.mean(r['overhead'] for r in warm):.2f} s")


if __name__ == "__main__":
    sys.exit(main())
