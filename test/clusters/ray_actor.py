"""Ray: a threaded actor (max_concurrency=2) whose two threads run pure-Python
calls at once, a remote function, and a second actor started with
gilscope.ray.runtime_env(WORKERS_DIR): its worker also records into
WORKERS_DIR/<host>/ alone (test/clusters/ray.test.ts). Ends with ray.shutdown()."""
import json
import os
import sys
import time

import ray

import gilscope.ray


def spin(n):
    x = 0
    for i in range(n):
        x += i * i
    return x


@ray.remote(max_concurrency=2)
class Cruncher:
    def crunch(self, n):
        return spin(n)


@ray.remote
class Lonely:
    def crunch(self, n):
        return spin(n)


@ray.remote
def square_sum(n):
    return spin(n)


def main():
    workers_dir = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 8_000_000
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    a = Cruncher.remote()
    ray.get(a.crunch.remote(10))  # started
    t0 = time.perf_counter()
    ray.get([a.crunch.remote(size), a.crunch.remote(size + 1)])
    t1 = time.perf_counter()
    ray.get(square_sum.remote(size // 4))
    lonely = Lonely.options(runtime_env=gilscope.ray.runtime_env(workers_dir)).remote()
    ray.get(lonely.crunch.remote(size // 4))
    ray.shutdown()
    if os.environ.get("GILSCOPE_TRUTH") == "1":
        print("GILSCOPE-TRUTH " + json.dumps({"workload": "ray_actor", "actor_from": t0, "actor_to": t1}), flush=True)


if __name__ == "__main__":
    main()
