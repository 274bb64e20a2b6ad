# Fixed-size chunks: the next chunk starts only when the slowest job of this one ends.
import asyncio
import random

ACCOUNTS = [f"account-{i}" for i in range(1, 1001)]
CHUNK_SIZE = 100


async def handle_account(account):
    seconds = random.uniform(0.1, 1.0)  # stands in for an API call
    await asyncio.sleep(seconds)
    return seconds


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    chunks = (ACCOUNTS[i : i + CHUNK_SIZE] for i in range(0, len(ACCOUNTS), CHUNK_SIZE))
    for chunk in chunks:
        chunk_start = loop.time()
        durations = await asyncio.gather(*[handle_account(account) for account in chunk])
        print(f"chunk: slowest job {max(durations):.2f}s, chunk took {loop.time() - chunk_start:.2f}s")
    print(f"total: {loop.time() - start:.2f}s")


asyncio.run(main())
