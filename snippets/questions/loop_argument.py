import asyncio


async def main():
    loop = asyncio.get_running_loop()
    await asyncio.sleep(0.1, loop=loop)
    print("sleep(0.1, loop=loop) accepted")


asyncio.run(main())
