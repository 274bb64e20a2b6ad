import asyncio
import time


def blocking_call():
    time.sleep(0.3)  # stands for a library call that blocks, such as requests.get()
    return "blocking_call() returned"


async def ticker():
    loop = asyncio.get_running_loop()
    start = loop.time()
    ticks = []
    for _ in range(5):
        ticks.append(round(loop.time() - start, 1))
        await asyncio.sleep(0.1)
    return ticks


async def main():
    result, ticks = await asyncio.gather(asyncio.to_thread(blocking_call), ticker())
    print(f"to_thread: ticks at {ticks}")
    print(result)


asyncio.run(main())
