import asyncio

slots = asyncio.Semaphore(1)  # made at import time, before asyncio.run()


async def job(tag):
    async with slots:
        await asyncio.sleep(0.1)
    return tag


async def main():
    print(await asyncio.gather(job("A"), job("B")))


asyncio.run(main())
