# Cancel the code that is waiting: does the job it waits on get cancelled too?
import asyncio


async def job():
    await asyncio.sleep(3)


async def with_await(started):
    started.append(asyncio.create_task(job()))
    await started[0]


async def with_gather(started):
    started.append(asyncio.create_task(job()))
    await asyncio.gather(*started)


async def with_wait(started):
    started.append(asyncio.create_task(job()))
    await asyncio.wait(started)


async def with_as_completed(started):
    started.append(asyncio.create_task(job()))
    for next_done in asyncio.as_completed(started):
        await next_done


async def with_wait_for(started):
    started.append(asyncio.create_task(job()))
    await asyncio.wait_for(started[0], timeout=10)


async def with_taskgroup(started):
    async with asyncio.TaskGroup() as group:
        started.append(group.create_task(job()))


async def with_timeout(started):
    started.append(asyncio.create_task(job()))
    async with asyncio.timeout(10):
        await started[0]


async def cancel_after_one_second(waiter):
    started = []
    waiting = asyncio.create_task(waiter(started))
    await asyncio.sleep(1)
    waiting.cancel()
    await asyncio.wait([waiting])
    print(f"{waiter.__name__}: job cancelled {started[0].cancelled()}")
    started[0].cancel()  # clean up the jobs left running


async def main():
    waiters = [with_await, with_gather, with_wait, with_as_completed, with_wait_for]
    if hasattr(asyncio, "TaskGroup"):  # TaskGroup and timeout(): Python 3.11+
        waiters += [with_taskgroup, with_timeout]
    for waiter in waiters:
        await cancel_after_one_second(waiter)


asyncio.run(main())
