# What get_event_loop() hands back once its loop has been closed: run it, don't assume.
import asyncio


async def answer():
    return 42


loop = asyncio.get_event_loop()
print("first run:", loop.run_until_complete(answer()))
loop.close()

again = asyncio.get_event_loop()
print("same loop:", again is loop)
print("closed:", again.is_closed())
print("second run:", again.run_until_complete(answer()))
