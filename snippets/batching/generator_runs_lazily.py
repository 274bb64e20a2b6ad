# A generator of create_task() calls creates no task until something iterates it.
import asyncio


async def handle_account(account):
    await asyncio.sleep(1)
    return account


async def main():
    loop = asyncio.get_running_loop()
    accounts = ["a", "b", "c"]

    start = loop.time()
    as_list = [asyncio.create_task(handle_account(a)) for a in accounts]
    await asyncio.sleep(1)  # other work; the tasks already exist and run meanwhile
    await asyncio.gather(*as_list)
    print(f"list: {loop.time() - start:.1f}s")

    start = loop.time()
    as_generator = (asyncio.create_task(handle_account(a)) for a in accounts)
    await asyncio.sleep(1)  # the same other work; no task exists yet
    await asyncio.gather(*as_generator)  # the * runs the generator: tasks start only now
    print(f"generator: {loop.time() - start:.1f}s")
    print("generator, second pass:", [task.result() for task in as_generator])


asyncio.run(main())
