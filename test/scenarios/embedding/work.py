"""The Python the embedding host (host.c) calls from its own threads: step(k)
does about 5 ms of pure-Python work (the STEP-WORK line) and returns."""


def step(k):
    total = 0
    for i in range(80_000):
        total += (i * k) % 7  # STEP-WORK
    return total
