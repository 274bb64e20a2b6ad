import asyncio

background_tasks = set()


async def log_event(number):
    await asyncio.sleep(0.1 * number)
    print(f"event {number} logged")


async def main():
    for number in (1, 2, 3):
        task = asyncio.create_task(log_event(number))
        background_tasks.add(task)  # a strong reference until it is done
        task.add_done_callback(background_tasks.discard)
    print("tasks referenced:", len(background_tasks))
    await asyncio.sleep(0.5)  # main() carries on with other work
    print("tasks referenced:", len(background_tasks))


asyncio.run(main())
