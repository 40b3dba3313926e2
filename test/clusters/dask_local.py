"""Dask distributed: a LocalCluster of 2 worker processes with 2 threads each
runs pure-Python tasks (test/clusters/clusters.test.ts). Each worker's two
task threads take turns on its GIL. Prints the tasks' span it measured
itself (time.perf_counter(), the recording's clock) as a truth line."""
import json
import os
import sys
import time

from dask.distributed import Client, LocalCluster


def spin(n):
    x = 0
    for i in range(n):
        x += i * i
    return x


def main():
    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 1_500_000
    with LocalCluster(n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        client.wait_for_workers(len(cluster.workers))
        workers = client.scheduler_info()["workers"]
        t0 = time.perf_counter()
        results = client.gather(client.map(spin, [size + i for i in range(tasks)]))
        t1 = time.perf_counter()
        assert len(results) == tasks
    if os.environ.get("GILSCOPE_TRUTH") == "1":
        truth = {"workload": "dask_local", "tasks_from": t0, "tasks_to": t1,
                 "workers": sorted(w["name"] if isinstance(w["name"], str) else str(w["name"]) for w in workers.values()),
                 "threads": sorted(w["nthreads"] for w in workers.values())}
        print("GILSCOPE-TRUTH " + json.dumps(truth), flush=True)


if __name__ == "__main__":
    main()
