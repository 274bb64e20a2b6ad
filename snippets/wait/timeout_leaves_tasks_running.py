import asyncio


async def job(tag, seconds):
    await asyncio.sleep(seconds)
    print(f"{tag} finished")
    return tag


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = [
        asyncio.create_task(job(tag, s)) for tag, s in [("A", 1), ("B", 3), ("C", 5)]
    ]
    done, pending = await asyncio.wait(tasks, timeout=2)
    print(f"after {loop.time() - start:.1f}s: done {len(done)}, pending {len(pending)}")
    print("pending cancelled:", [task.cancelled() for task in pending])
    await asyncio.wait(pending)  # they were still running all along
    print(f"after {loop.time() - start:.1f}s:", [task.result() for task in tasks])


asyncio.run(main())
