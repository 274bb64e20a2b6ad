import asyncio
import random

ad_accounts = [f"account-{i}" for i in range(1, 1001)]
chunk_size = 100


async def handle_account(ad_account):
    await asyncio.sleep(random.uniform(0.1, 1.0))  # stands in for an API call
    return ad_account


async def main():
    batches = (ad_accounts[i : i + chunk_size] for i in range(0, len(ad_accounts), chunk_size))
    handled = 0
    for batch in batches:
        # One loop for every batch: no get_event_loop(), no run_until_complete().
        results = await asyncio.gather(*[handle_account(ad_account) for ad_account in batch])
        handled += len(results)
    print("handled:", handled)


asyncio.run(main())
