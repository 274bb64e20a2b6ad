import asyncio


async def job(tag, seconds, error=None):
    await asyncio.sleep(seconds)
    if error:
        raise error(f"{tag} failed")
    return tag


async def main():
    try:
        async with asyncio.TaskGroup() as group:  # Python 3.11+
            group.create_task(job("A", 1, ValueError))
            group.create_task(job("B", 1, KeyError))
            group.create_task(job("C", 2))
    except* ValueError as errors:  # each handler gets the matching part of the group
        print("ValueError:", errors.exceptions)
    except* KeyError as errors:
        print("KeyError:", errors.exceptions)


asyncio.run(main())
