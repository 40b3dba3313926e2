"""A Parallel Python client (not recorded): submits CPU jobs to one ppserver."""
import sys

import pp


def spin(n):
    x = 0
    for i in range(n):
        x += i * i
    return x


def main():
    server, secret = sys.argv[1], sys.argv[2]
    job_server = pp.Server(ncpus=0, ppservers=(server,), secret=secret, socket_timeout=60)
    jobs = [job_server.submit(spin, (2_000_000 + i,)) for i in range(8)]
    results = [job() for job in jobs]
    assert all(r is not None for r in results), results
    job_server.destroy()


if __name__ == "__main__":
    main()
