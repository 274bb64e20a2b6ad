# A pool of LIMIT slots: the next account starts as soon as any slot is free.
import asyncio
import random

ACCOUNTS = [f"account-{i}" for i in range(1, 1001)]
LIMIT = 100
running = peak = 0


async def handle_account(account, slots):
    global running, peak
    seconds = random.uniform(0.1, 1.0)  # drawn before waiting: same durations as the chunked run
    async with slots:
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(seconds)
        running -= 1
    return seconds


async def main():
    loop = asyncio.get_running_loop()
    slots = asyncio.Semaphore(LIMIT)
    start = loop.time()
    await asyncio.gather(*[handle_account(account, slots) for account in ACCOUNTS])
    print(f"at most {peak} jobs at once, total: {loop.time() - start:.2f}s")


asyncio.run(main())
