import asyncio


async def main():
    await asyncio.sleep(0.1)
    return "main() ran"


async def notebook():
    # Like a notebook cell: an event loop is already running here.
    try:
        asyncio.run(main())
    except RuntimeError as error:
        print("asyncio.run(main()):", error)
    print("await main():", await main())


asyncio.run(notebook())
