# Inline fixture (tests/rules/README.md): each `# expect:` marks a line
# where a finding of that rule must start; lines without one must have none
# of the rules this file names. helpers.py is a module of the same case.
import asyncio
import time

import requests

from helpers import load_config


async def fetch(url):
    time.sleep(0.1)  # expect: PH101
    resp = requests.get(url, timeout=5)  # expect: PH101
    return resp.json()


async def settings():
    return load_config()  # expect: PH102


async def offloaded():
    return await asyncio.to_thread(load_config)


def sync_fetch(url):
    time.sleep(0.1)
    return requests.get(url)  # expect: PH112
