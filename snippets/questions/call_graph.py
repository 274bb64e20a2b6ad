import asyncio


def show(graph, indent=0):
    """A FutureCallGraph as names only: no file names, no line numbers."""
    name = graph.future.get_name() if isinstance(graph.future, asyncio.Task) else "a future"
    stack = " < ".join(entry.frame.f_code.co_name + "()" for entry in graph.call_stack)
    print("    " * indent + f"{name}: {stack}")
    for awaiter in graph.awaited_by:
        show(awaiter, indent + 1)


async def read(part, seconds):
    await asyncio.sleep(seconds)
    if part == "B2":
        show(asyncio.capture_call_graph())  # Python 3.14+
    return part


async def download(name):
    parts = [
        asyncio.create_task(read(f"{name}{i}", 0.1 * i), name=f"read {name}{i}")
        for i in (1, 2)
    ]
    return await asyncio.gather(*parts)


async def main():
    asyncio.current_task().set_name("main")
    downloads = [
        asyncio.create_task(download(name), name=f"download {name}") for name in "AB"
    ]
    print(await asyncio.gather(*downloads))


asyncio.run(main())
