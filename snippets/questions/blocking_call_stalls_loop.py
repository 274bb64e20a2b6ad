import asyncio
import time


async def ticker():
    loop = asyncio.get_running_loop()
    start = loop.time()
    ticks = []
    for _ in range(5):
        ticks.append(round(loop.time() - start, 1))
        await asyncio.sleep(0.1)
    return ticks


async def blocking():
    time.sleep(0.3)  # holds the thread: no other task can run meanwhile


async def non_blocking():
    await asyncio.sleep(0.3)  # lets the event loop run the others


async def main():
    for work in (blocking, non_blocking):
        ticks, _ = await asyncio.gather(ticker(), work())
        print(f"{work.__name__}: ticks at {ticks}")


asyncio.run(main())
