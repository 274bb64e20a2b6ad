# What asyncio.wait() does when there is nothing left to wait for.
import asyncio


async def main():
    await asyncio.wait(set())


asyncio.run(main())
