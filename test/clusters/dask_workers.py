"""Dask distributed: the workers of a running cluster, recorded without
recording the program (test/clusters/daskWorkers.test.ts). The test starts a
scheduler and `dask worker --preload-nanny gilscope.dask --nworkers 2`; this
client runs pure-Python tasks three times, before, inside and after
`gilscope.dask.record(client, OUT)`, then shuts the cluster down. It prints
the worker processes of each phase (pid and address) as a truth line."""
import json
import os
import sys

from dask.distributed import Client

import gilscope.dask


def spin(n):
    x = 0
    for i in range(n):
        x += i * i
    return x


def phase(client, number, workers, tasks=8, size=400_000):
    client.wait_for_workers(workers, timeout=180)
    # Arguments of this phase only: a task's key is its function and arguments.
    client.gather(client.map(spin, [size + 1000 * number + i for i in range(tasks)]))
    pids = client.run(os.getpid)
    return sorted(({"pid": pid, "address": address} for address, pid in pids.items()), key=lambda w: w["pid"])


def main():
    scheduler_file, out, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with Client(scheduler_file=scheduler_file, timeout=120) as client:
        before = phase(client, 0, workers)
        with gilscope.dask.record(client, out) as folder:
            inside = phase(client, 1, workers)
        after = phase(client, 2, workers)
        client.shutdown()
    truth = {"before": before, "inside": inside, "after": after, "out": folder}
    print("GILSCOPE-TRUTH " + json.dumps(truth), flush=True)


if __name__ == "__main__":
    main()
