# Accounts that keep arriving: which workers handle them all?
import asyncio

WORKERS = 2


async def handle_account(account):
    await asyncio.sleep(0.5)  # stands in for an API call


async def producer(queue):
    for i in range(1, 7):
        if i == 4:
            await asyncio.sleep(1.5)  # a lull: the next accounts arrive later
        await queue.put(f"account-{i}")


async def quits_when_empty(queue, handled):
    while not queue.empty():  # a lull looks like the end
        account = queue.get_nowait()
        await handle_account(account)
        handled.append(account)


async def waits_on_get(queue, handled):
    while True:
        account = await queue.get()  # in a lull, waits for the next account
        await handle_account(account)
        handled.append(account)
        queue.task_done()


async def main():
    loop = asyncio.get_running_loop()
    for worker in (quits_when_empty, waits_on_get):
        start = loop.time()
        queue, handled = asyncio.Queue(), []
        producing = asyncio.create_task(producer(queue))
        workers = [asyncio.create_task(worker(queue, handled)) for _ in range(WORKERS)]
        if worker is quits_when_empty:
            await asyncio.gather(*workers, producing)
        else:
            await producing  # every account is in the queue,
            await queue.join()  # and every one has been handled:
            for task in workers:
                task.cancel()  # stop the workers waiting on get()
            await asyncio.gather(*workers, return_exceptions=True)
        elapsed = loop.time() - start
        print(f"{worker.__name__}: handled {len(handled)} of 6, {queue.qsize()} left, {elapsed:.1f}s")


asyncio.run(main())
