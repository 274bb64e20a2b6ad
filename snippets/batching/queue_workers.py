# A fixed crew of WORKERS, each taking the next account from a queue.
import asyncio
import random

ACCOUNTS = [f"account-{i}" for i in range(1, 1001)]
WORKERS = 100


async def handle_account(account):
    seconds = random.uniform(0.1, 1.0)  # stands in for an API call
    await asyncio.sleep(seconds)
    return seconds


async def worker(queue):
    handled = 0
    while not queue.empty():  # filled before any worker starts, so empty means done
        await handle_account(queue.get_nowait())
        handled += 1
    return handled


async def main():
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()
    for account in ACCOUNTS:
        queue.put_nowait(account)
    start = loop.time()
    counts = await asyncio.gather(*[worker(queue) for _ in range(WORKERS)])
    print(f"{len(counts)} workers handled {sum(counts)} accounts, total: {loop.time() - start:.2f}s")


asyncio.run(main())
